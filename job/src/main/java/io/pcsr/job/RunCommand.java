package io.pcsr.job;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code pcsr run}: the Spark job. Under spark-submit it joins the submitted application; from
 * {@code deploy/pcsr} it starts an embedded local Spark.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = "Super-resolve every image under an input URI with Spark.")
public final class RunCommand implements Callable<Integer> {
  @Option(names = "--input", required = true, paramLabel = "URI",
      description = "Directory, glob or file on file:, s3a: or hdfs: (PNG, JPEG, TIFF).")
  String input;

  @Option(names = "--output", required = true, paramLabel = "URI",
      description = "Output root: images/ mirrors the input tree, _stats/ holds the Parquet tables.")
  String output;

  @Option(names = "--model", paramLabel = "URI",
      description = "Model URI (default: " + PcsrConf.MODEL_DEFAULT + ").")
  String model;

  @Mixin RoutingOptions routing;

  @Option(names = "--no-refine", description = "Skip PCSR's pixel refinement.")
  boolean noRefine;

  @Option(names = "--mode", paramLabel = "exact|paper", description = "Tiling mode (default exact).")
  String mode;

  @Option(names = "--tile-size", paramLabel = "N", description = "LR tile side in exact mode.")
  Integer tileSize;

  @Option(names = "--stats-pixels", paramLabel = "full|lr|none",
      description = "Granularity of the pixels table (default lr).")
  String statsPixels;

  @Option(names = "--overwrite", description = "Redo images an earlier run finished.")
  boolean overwrite;

  @Option(names = "--class-overlay",
      description = "Also write overlays/<image>.png (light pixels green, heavy red, image at 65%%).")
  boolean overlay;

  @Option(names = "--run-id", paramLabel = "ID", description = "Run id (default: a timestamp).")
  String runId;

  @Option(names = "--partitions", paramLabel = "N", description = "Tile partitions.")
  Integer partitions;

  @picocli.CommandLine.Mixin SparkOptions sparkOptions;

  @Override public Integer call() throws Exception {
    Map<String, String> overrides = new LinkedHashMap<>();
    sparkOptions.conf().forEach((k, v) -> {
      if (k.startsWith("spark.pcsr.")) {
        overrides.put(k, v);
      }
    });
    put(overrides, PcsrConf.MODEL, model);
    if (routing.choice != null) {
      overrides.put(PcsrConf.ROUTING, routing.policy().describe());
    }
    if (noRefine) {
      overrides.put(PcsrConf.REFINE, "false");
    }
    put(overrides, PcsrConf.TILE_MODE, mode);
    put(overrides, PcsrConf.TILE_SIZE, tileSize);
    put(overrides, PcsrConf.STATS_PIXELS, statsPixels);
    if (overwrite) {
      overrides.put(PcsrConf.OVERWRITE, "true");
    }
    if (overlay) {
      overrides.put(PcsrConf.OVERLAY, "true");
    }
    put(overrides, PcsrConf.RUN_ID, runId);
    put(overrides, PcsrConf.PARTITIONS, partitions);

    SparkSession spark = sparkOptions.session("pcsr");
    try {
      JobConfig cfg = JobConfig.resolve(input, output, overrides,
          k -> spark.conf().contains(k) ? spark.conf().get(k) : null);
      long t0 = System.nanoTime();
      PcsrJob.Outcome outcome = new PcsrJob(spark, cfg).run();
      Summary.print(outcome, (System.nanoTime() - t0) / 1e9, System.out);
      return outcome.failed() == 0 ? 0 : 2;
    } finally {
      sparkOptions.stop(spark);
    }
  }

  private static void put(Map<String, String> m, String key, Object value) {
    if (value != null) {
      m.put(key, value.toString());
    }
  }
}
