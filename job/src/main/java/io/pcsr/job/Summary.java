package io.pcsr.job;

import java.io.PrintStream;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.sql.Row;

/** The table printed at the end of a run. */
final class Summary {
  private Summary() {}

  static void print(PcsrJob.Outcome o, double seconds, PrintStream out) {
    out.printf("%nrun %s -> %s%n", o.runId(), o.output());
    List<Row> rows = o.images().stream()
        .sorted(Comparator.comparing(r -> r.<String>getAs("image_id"))).toList();
    if (!rows.isEmpty()) {
      out.printf("%-36s %11s %11s %7s %9s %9s %9s %s%n", "image", "in", "out", "heavy",
          "GFLOPs", "executed", "vs all-hv", "status");
    }
    double flops = 0;
    double allHeavy = 0;
    double executed = 0;
    long pixels = 0;
    int shown = 0;
    for (Row r : rows) {
      double f = r.<Double>getAs("flops_paper");
      double ah = r.<Double>getAs("flops_all_heavy_paper");
      executed += r.<Double>getAs("flops");
      flops += f;
      allHeavy += ah;
      pixels += r.<Long>getAs("pixels");
      if (shown++ < 25) {
        out.printf("%-36s %11s %11s %6.1f%% %9.2f %9.2f %8.0f%% %s%n",
            abbreviate(r.getAs("image_id")), r.getAs("width_in") + "x" + r.getAs("height_in"),
            r.getAs("width_out") + "x" + r.getAs("height_out"),
            100 * r.<Double>getAs("heavy_share"), f / 1e9, r.<Double>getAs("flops") / 1e9,
            100 * f / ah, r.getAs("status"));
      }
    }
    if (rows.size() > shown) {
      out.printf("... and %d more%n", rows.size() - shown);
    }
    out.printf("total: %d images, %.1f output megapixels, %.1f GFLOPs (%.0f%% of all-heavy; "
        + "%.1f executed, halos included), %.1f s, %.2f MP/s%n", rows.size(), pixels / 1e6,
        flops / 1e9, allHeavy > 0 ? 100 * flops / allHeavy : 0, executed / 1e9, seconds,
        pixels / 1e6 / seconds);
    out.println("GFLOPs: official counter's convention; executed: 2 x multiply-adds run, halos included");
    out.println(o.reconciliation());
    out.printf("images: %s/images/   statistics: %s/_stats/{images,tiles,pixels,errors}%n",
        o.output(), o.output());
  }

  private static String abbreviate(String s) {
    return s.length() <= 36 ? s : "..." + s.substring(s.length() - 33);
  }
}
