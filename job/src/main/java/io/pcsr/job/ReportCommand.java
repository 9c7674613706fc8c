package io.pcsr.job;

import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pcsr report}: a static HTML page with charts about one run's statistics. */
@Command(name = "report", mixinStandardHelpOptions = true,
    description = {"Write one static HTML page (PNG charts beside it) about a run: FLOPs per "
        + "pixel, heavy share per image, costliest images and tiles, savings against all-heavy "
        + "and the original network, class-map thumbnails, and the PSNR-FLOPs curve of "
        + "`pcsr eval` when <output>/_eval exists.",
        "Reads <output>/_stats with Spark SQL."})
public final class ReportCommand implements Callable<Integer> {
  @Option(names = "--output", required = true, paramLabel = "URI",
      description = "The run's output root (the one given to `pcsr run`).")
  String output;

  @Option(names = "--run-id", paramLabel = "ID",
      description = "The run to report (default: the greatest run id, i.e. the latest timestamp).")
  String runId;

  @Option(names = "--html", paramLabel = "PATH",
      description = "Where to write the page (default <output>/_report/<run_id>/index.html); "
          + "the charts go to <name>_files/ beside it.")
  String html;

  @Option(names = "--thumbnails", defaultValue = "12", paramLabel = "N",
      description = "Class-map thumbnails, at most (default 12; 0 for none).")
  int thumbnails;

  @Option(names = "--top", defaultValue = "10", paramLabel = "N",
      description = "Rows of the costliest-images and costliest-tiles tables (default 10).")
  int top;

  @picocli.CommandLine.Mixin SparkOptions sparkOptions;

  @Override public Integer call() throws Exception {
    if (thumbnails < 0 || top < 1) {
      throw new IllegalArgumentException("--thumbnails must be >= 0 and --top >= 1");
    }
    SparkSession spark = sparkOptions.session("pcsr-report");
    try {
      ReportJob.Outcome o = new ReportJob(spark, config()).run();
      System.out.printf("report of run %s: %s (%d charts and thumbnails beside it)%n", o.runId(),
          o.html(), o.assets().size());
      return 0;
    } finally {
      sparkOptions.stop(spark);
    }
  }

  ReportJob.Config config() {
    return new ReportJob.Config(output, runId, html, thumbnails, top);
  }
}
