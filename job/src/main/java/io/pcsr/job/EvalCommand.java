package io.pcsr.job;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code pcsr eval}: PSNR, SSIM and FLOPs of PCSR routing settings (and optionally the original
 * network) over HR images, on Spark. LR = MATLAB-style bicubic of the HR in float, as the
 * official evaluation does.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
    description = {"Evaluate PCSR routing settings (and the original network) on HR images: "
        + "PSNR (RGB and Y, border = scale), SSIM, FLOPs, heavy share, time.",
        "Writes <output>/_eval/ (Parquet, partitioned by run_id) and "
            + "<output>/_eval/_reports/<run_id>/{summary.csv,psnr-gflops-<model>.png}."})
public final class EvalCommand implements Callable<Integer> {
  @Option(names = "--hr", required = true, paramLabel = "URI",
      description = "HR (ground-truth) images: a directory, glob or file on file:, s3a: or hdfs:.")
  String hr;

  @Option(names = "--output", required = true, paramLabel = "URI",
      description = "Output root (the same as a run's, if you like: _eval/ sits beside _stats/).")
  String output;

  @Option(names = "--model", paramLabel = "URI",
      description = "PCSR model URI (default: spark.pcsr.model, else " + PcsrConf.MODEL_DEFAULT + ").")
  String model;

  @Option(names = "--k", split = ",", paramLabel = "LIST",
      description = "k values of the official rule, comma-separated (e.g. 0,0.5,1).")
  List<Double> ks = new ArrayList<>();

  @Option(names = "--adaptive", description = "Also evaluate ADM (per-image 2-means).")
  boolean adaptive;

  @Option(names = "--heavy-share", split = ",", paramLabel = "LIST",
      description = "Heavy shares (0..1), comma-separated.")
  List<Double> heavyShares = new ArrayList<>();

  @Option(names = "--flop-budget", split = ",", paramLabel = "LIST",
      description = "GFLOPs per output megapixel (official convention), comma-separated.")
  List<Double> flopBudgets = new ArrayList<>();

  @Option(names = "--original", paramLabel = "URI",
      description = "Checkpoint of the original network (e.g. carn-x4.pth) to evaluate too.")
  String original;

  @Option(names = "--no-refine", description = "Skip PCSR's pixel refinement in every setting.")
  boolean noRefine;

  @Option(names = "--no-all-heavy",
      description = "Leave out the all-heavy reference point (k = -25), evaluated by default.")
  boolean noAllHeavy;

  @Option(names = "--no-ssim", description = "Skip SSIM (the slowest metric).")
  boolean noSsim;

  @Option(names = "--scale", paramLabel = "N",
      description = "Upscaling factor (default: spark.pcsr.scale, else 4).")
  Integer scale;

  @Option(names = "--run-id", paramLabel = "ID", description = "Run id (default: a timestamp).")
  String runId;

  @picocli.CommandLine.Mixin SparkOptions sparkOptions;

  @Override public Integer call() throws Exception {
    SparkSession spark = sparkOptions.session("pcsr-eval");
    try {
      EvalJob.Config cfg = config(k -> spark.conf().contains(k) ? spark.conf().get(k) : null);
      EvalJob.Outcome o = new EvalJob(spark, cfg).run();
      System.out.printf("%neval %s: %d images, %d settings -> %s%n", o.runId(), o.images(),
          cfg.settings().size(), EvalJob.table(o.output()));
      System.out.print(EvalSummary.table(o.summary()));
      System.out.println("PSNR: RGB (and Y), border = scale, LR by MATLAB bicubic in float; "
          + "GFLOPs: mean per image, official convention; vs all-hv / vs orig: FLOPs over "
          + "the all-heavy / original network's");
      System.out.println("summary: " + EvalJob.reports(o.output(), o.runId()) + "/summary.csv");
      o.charts().forEach(c -> System.out.println("chart:   " + c));
      if (o.failedRows() > 0) {
        System.out.println(o.failedRows() + " rows failed: see status/error_message in the table");
        return 2;
      }
      return 0;
    } finally {
      sparkOptions.stop(spark);
    }
  }

  /** The evaluation's settings: flags first, then spark.pcsr.* from --conf or Spark, then defaults. */
  EvalJob.Config config(Function<String, String> sparkConf) {
    Function<String, String> get = key -> {
      if (sparkOptions.conf().containsKey(key)) {
        return sparkOptions.conf().get(key);
      }
      String v = sparkConf.apply(key);
      return v != null ? v : PcsrConf.KEYS.stream().filter(k -> k.name().equals(key))
          .findFirst().map(PcsrConf.Key::defaultValue).orElse(null);
    };
    String m = model != null ? model : get.apply(PcsrConf.MODEL);
    int s = scale != null ? scale : Integer.parseInt(get.apply(PcsrConf.SCALE).trim());
    if (s <= 0) {
      throw new IllegalArgumentException("scale must be positive, got " + s);
    }
    boolean refine = !noRefine && Boolean.parseBoolean(get.apply(PcsrConf.REFINE));
    String id = runId != null ? runId : get.apply(PcsrConf.RUN_ID);
    if (id == null || id.isBlank()) {
      id = "eval-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    }
    if (!id.matches("[A-Za-z0-9._-]+")) {
      throw new IllegalArgumentException("run id may hold letters, digits, '.', '_' and '-' only: " + id);
    }
    List<EvalSetting> settings = EvalSetting.of(ks, adaptive, heavyShares, flopBudgets, refine,
        !noAllHeavy, original != null);
    return new EvalJob.Config(hr, output, m, original, s, settings, !noSsim, id,
        Long.parseLong(get.apply(PcsrConf.MAX_PIXELS).trim()),
        Integer.parseInt(get.apply(PcsrConf.TORCH_THREADS).trim()));
  }
}
