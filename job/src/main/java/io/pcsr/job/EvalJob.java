package io.pcsr.job;

import static org.apache.spark.sql.functions.col;

import io.pcsr.udf.spark.HadoopConf;
import io.pcsr.udf.spark.ModelFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.jfree.chart.JFreeChart;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code pcsr eval} on Spark: HR images -> bicubic LR -> SR at every setting (one image per
 * task, all settings in that task) -> the {@code _eval} Parquet table (partitioned by run_id),
 * a per-setting CSV summary and a PSNR-GFLOPs chart under {@code _eval/_reports/<run_id>/}
 * (a folder Spark's Parquet reader skips, as it skips every name starting with '_').
 */
public final class EvalJob {
  private static final Logger LOG = LoggerFactory.getLogger(EvalJob.class);

  /** The settings of one evaluation. */
  public record Config(String hr, String output, String model, String original, int scale,
      List<EvalSetting> settings, boolean ssim, String runId, long maxPixels, int torchThreads) {}

  /** What an evaluation produced. */
  public record Outcome(String runId, String output, int images, int failedRows,
      List<Row> summary, String summaryCsv, List<String> charts) {}

  private final SparkSession spark;
  private final Config cfg;

  public EvalJob(SparkSession spark, Config cfg) {
    this.spark = spark;
    this.cfg = cfg;
  }

  /** Where the table lives under an output root. */
  public static String table(String output) {
    return OutputPaths.join(output, "_eval");
  }

  /** Where a run's CSV summary and charts go. */
  public static String reports(String output, String runId) {
    return OutputPaths.join(output, "_eval/_reports/" + runId);
  }

  public Outcome run() throws IOException {
    Configuration hconf = spark.sparkContext().hadoopConfiguration();
    HadoopConf hadoop = new HadoopConf(hconf);
    String output = qualify(cfg.output(), hconf);
    ModelFiles.resolve(cfg.model(), hadoop); // a bad model URI fails here, not in every task
    if (cfg.original() != null) {
      ModelFiles.resolve(cfg.original(), hadoop);
    }
    List<InputImage> listed = InputLister.list(cfg.hr(), hconf);
    if (listed.isEmpty()) {
      throw new IllegalArgumentException("no PNG, JPEG or TIFF image under " + cfg.hr());
    }
    LOG.info("eval {}: {} HR images under {}, model {}, {} settings: {}", cfg.runId(),
        listed.size(), cfg.hr(), ModelFiles.redact(cfg.model()), cfg.settings().size(),
        cfg.settings().stream().map(EvalSetting::name).toList());
    List<Row> inputs = new ArrayList<>();
    for (InputImage im : listed) {
      inputs.add(RowFactory.create(im.source(), im.relPath(), im.bytes()));
    }
    EvalFunction.Plan plan = new EvalFunction.Plan(cfg.runId(), cfg.model(), cfg.original(),
        cfg.scale(), cfg.settings(), cfg.ssim(), cfg.maxPixels(), cfg.torchThreads(), hadoop);
    // one image per task: the settings of an image share its decode and its bicubic LR
    Dataset<Row> rows = spark.createDataFrame(inputs, EvalFunction.INPUT)
        .repartition(inputs.size())
        .flatMap(new EvalFunction(plan), Encoders.row(EvalFunction.SCHEMA))
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      // a rerun under the same run id replaces that run's partition, nothing else
      rows.write().mode(SaveMode.Overwrite).option("partitionOverwriteMode", "dynamic")
          .partitionBy("run_id").parquet(table(output));
      long failed = rows.filter(col("status").notEqual("ok")).count();
      List<Row> summary = EvalSummary.compute(spark, rows);
      String csv = EvalSummary.csv(summary);
      String dir = reports(output, cfg.runId());
      write(OutputPaths.join(dir, "summary.csv"), csv.getBytes(StandardCharsets.UTF_8), hconf);
      List<String> charts = new ArrayList<>();
      for (Map.Entry<String, JFreeChart> e : EvalSummary.charts(summary).entrySet()) {
        String model = e.getKey().substring(e.getKey().indexOf('\u0000') + 1);
        String path = OutputPaths.join(dir, "psnr-gflops-" + EvalSummary.fileName(model) + ".png");
        write(path, EvalSummary.chartPng(e.getValue()), hconf);
        charts.add(path);
      }
      return new Outcome(cfg.runId(), output, listed.size(), (int) failed, summary, csv, charts);
    } finally {
      rows.unpersist();
    }
  }

  static void write(String target, byte[] bytes, Configuration conf) throws IOException {
    Path p = new Path(URI.create(target));
    FileSystem fs = FileSystem.get(p.toUri(), conf);
    fs.setWriteChecksum(false);
    fs.mkdirs(p.getParent());
    try (OutputStream o = fs.create(p, true)) {
      o.write(bytes);
    }
  }

  static String qualify(String output, Configuration conf) throws IOException {
    if (output.contains(":/")) {
      return output.endsWith("/") ? output.substring(0, output.length() - 1) : output;
    }
    FileSystem local = FileSystem.getLocal(conf);
    return local.makeQualified(new Path(new java.io.File(output).getAbsolutePath())).toString();
  }
}
