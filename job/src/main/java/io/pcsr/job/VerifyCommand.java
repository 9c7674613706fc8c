package io.pcsr.job;

import static org.apache.spark.sql.functions.col;

import io.pcsr.udf.image.FloatImage;
import io.pcsr.udf.image.ImageCodec;
import java.io.InputStream;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code pcsr verify}: every image under the input has either a readable output of the
 * recorded size or an error row. Anything else is reported missing; exit code 3.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
    description = "Check a finished output against its input listing.")
public final class VerifyCommand implements Callable<Integer> {
  @Option(names = "--input", required = true, paramLabel = "URI") String input;

  @Option(names = "--output", required = true, paramLabel = "URI") String output;


  @picocli.CommandLine.Mixin SparkOptions sparkOptions;

  /** What verify found; {@link #missing} must be empty for a complete output. */
  public record Report(int listed, int ok, int errors, List<String> missing) {}

  @Override public Integer call() throws Exception {
    SparkSession spark = sparkOptions.session("pcsr-verify");
    try {
      Report r = verify(spark, input, output);
      System.out.printf("verify: listed %d = ok %d + errors %d + missing %d%n", r.listed(), r.ok(),
          r.errors(), r.missing().size());
      r.missing().forEach(m -> System.out.println("  MISSING " + m));
      return r.missing().isEmpty() ? 0 : 3;
    } finally {
      sparkOptions.stop(spark);
    }
  }

  public static Report verify(SparkSession spark, String input, String output) throws Exception {
    Configuration hconf = spark.sparkContext().hadoopConfiguration();
    List<InputImage> listed = InputLister.list(input, hconf);
    String root = output.contains(":/") ? output
        : new Path(new java.io.File(output).getAbsolutePath()).toUri().toString();
    Map<String, Row> okRows = new HashMap<>();
    Map<String, String> errors = new HashMap<>();
    Path imagesTable = new Path(URI.create(OutputPaths.stats(root, "images")));
    if (imagesTable.getFileSystem(hconf).exists(imagesTable)) {
      for (Row r : spark.read().parquet(imagesTable.toString()).filter(col("status").equalTo("ok"))
          .collectAsList()) {
        okRows.put(r.getAs("source"), r);
      }
    }
    Path errorsTable = new Path(URI.create(OutputPaths.stats(root, "errors")));
    if (errorsTable.getFileSystem(hconf).exists(errorsTable)) {
      for (Row r : spark.read().parquet(errorsTable.toString()).collectAsList()) {
        errors.put(r.getAs("source"), r.getAs("message"));
      }
    }
    int ok = 0;
    int failed = 0;
    List<String> missing = new java.util.ArrayList<>();
    for (InputImage im : listed) {
      Row row = okRows.get(im.source());
      if (row != null) {
        String problem = check(row, hconf);
        if (problem == null) {
          ok++;
        } else {
          missing.add(im.relPath() + ": " + problem);
        }
      } else if (errors.containsKey(im.source())) {
        failed++;
      } else {
        missing.add(im.relPath() + ": no output and no error row");
      }
    }
    return new Report(listed.size(), ok, failed, missing);
  }

  private static String check(Row row, Configuration hconf) {
    String out = row.getAs("output");
    try {
      Path p = new Path(URI.create(out));
      FileSystem fs = p.getFileSystem(hconf);
      if (!fs.exists(p)) {
        return "output " + out + " does not exist";
      }
      try (InputStream in = fs.open(p)) {
        FloatImage im = ImageCodec.read(in.readAllBytes(), out);
        int w = row.getAs("width_out");
        int h = row.getAs("height_out");
        if (im.width() != w || im.height() != h) {
          return "output is " + im.width() + "x" + im.height() + ", recorded " + w + "x" + h;
        }
      }
      return null;
    } catch (Exception e) {
      return "output unreadable: " + ErrorMessages.of(e);
    }
  }
}
