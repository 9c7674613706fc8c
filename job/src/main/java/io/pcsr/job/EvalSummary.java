package io.pcsr.job;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.jfree.chart.JFreeChart;

/**
 * The per-setting summary of {@code _eval} rows (mean PSNR/SSIM over images, mean GFLOPs per
 * image, FLOP shares), its CSV, its console table and the PSNR-GFLOPs chart of each model.
 */
final class EvalSummary {
  /** The summary's columns, in CSV order. */
  static final List<String> COLUMNS = List.of("run_id", "model", "backbone", "setting", "method",
      "routing", "refine", "images", "psnr", "psnr_y", "ssim", "gflops", "gflops_executed",
      "heavy_share", "share_of_all_heavy", "share_of_original", "gflops_per_megapixel",
      "time_ms");

  /** Aggregation over a view of {@code _eval} rows named {@code VIEW}. */
  static final String SQL = """
      SELECT run_id, model, first(backbone) AS backbone, setting, first(method) AS method,
             first(routing) AS routing, first(refine) AS refine, count(*) AS images,
             avg(psnr) AS psnr, avg(psnr_y) AS psnr_y, avg(ssim) AS ssim,
             avg(flops_paper) / 1e9 AS gflops, avg(flops) / 1e9 AS gflops_executed,
             sum(heavy_pixels) / sum(pixels) AS heavy_share,
             sum(flops_paper) / sum(flops_all_heavy_paper) AS share_of_all_heavy,
             sum(flops_paper) / sum(flops_original_paper) AS share_of_original,
             sum(flops_paper) / sum(pixels) / 1e3 AS gflops_per_megapixel,
             avg(time_ms) AS time_ms
      FROM %s WHERE status = 'ok'
      GROUP BY run_id, model, setting
      ORDER BY run_id, model, gflops
      """;

  private EvalSummary() {}

  static List<Row> compute(SparkSession spark, Dataset<Row> evalRows) {
    String view = "pcsr_eval_summary_input";
    evalRows.createOrReplaceTempView(view);
    try {
      return spark.sql(String.format(SQL, view)).collectAsList();
    } finally {
      spark.catalog().dropTempView(view);
    }
  }

  static String csv(List<Row> summary) {
    StringBuilder sb = new StringBuilder(String.join(",", COLUMNS)).append('\n');
    for (Row r : summary) {
      List<String> cells = new ArrayList<>();
      for (String c : COLUMNS) {
        Object v = r.getAs(c);
        cells.add(cell(c, v));
      }
      sb.append(String.join(",", cells)).append('\n');
    }
    return sb.toString();
  }

  private static String cell(String column, Object v) {
    if (v == null) {
      return "";
    }
    if (v instanceof Double d) {
      if (d.isNaN() || d.isInfinite()) {
        return d.toString();
      }
      return switch (column) {
        case "psnr", "psnr_y" -> Charts.fmt("%.4f", d);
        case "ssim", "heavy_share", "share_of_all_heavy", "share_of_original" -> Charts.fmt("%.6f", d);
        case "time_ms" -> Charts.fmt("%.1f", d);
        default -> Charts.fmt("%.5f", d);
      };
    }
    String s = v.toString();
    if (s.contains(",") || s.contains("\"") || s.contains("\n")) {
      return '"' + s.replace("\"", "\"\"") + '"';
    }
    return s;
  }

  /** The table printed at the end of {@code pcsr eval}. */
  static String table(List<Row> summary) {
    StringBuilder sb = new StringBuilder();
    sb.append(Charts.fmt("%-20s %6s %9s %9s %8s %10s %7s %9s %9s %9s%n", "setting", "images",
        "PSNR", "PSNR-Y", "SSIM", "GFLOPs", "heavy", "vs all-hv", "vs orig", "ms/image"));
    for (Row r : summary) {
      sb.append(Charts.fmt("%-20s %6d %9.4f %9.4f %8s %10.3f %7s %9s %9s %9.0f%n",
          r.<String>getAs("setting"), r.<Long>getAs("images"), r.<Double>getAs("psnr"),
          r.<Double>getAs("psnr_y"), opt(r.getAs("ssim"), "%.4f", 1),
          r.<Double>getAs("gflops"), opt(r.getAs("heavy_share"), "%.1f%%", 100),
          opt(r.getAs("share_of_all_heavy"), "%.1f%%", 100),
          opt(r.getAs("share_of_original"), "%.1f%%", 100), r.<Double>getAs("time_ms")));
    }
    return sb.toString();
  }

  private static String opt(Object v, String pattern, double factor) {
    return v == null ? "-" : Charts.fmt(pattern, ((Double) v) * factor);
  }

  /** One PSNR-GFLOPs chart per (run, model) of the summary, keyed by model. */
  static Map<String, JFreeChart> charts(List<Row> summary) {
    Map<String, List<Row>> byModel = new LinkedHashMap<>();
    for (Row r : summary) {
      byModel.computeIfAbsent(r.<String>getAs("run_id") + "\u0000" + r.<String>getAs("model"),
          k -> new ArrayList<>()).add(r);
    }
    Map<String, JFreeChart> out = new LinkedHashMap<>();
    for (Map.Entry<String, List<Row>> e : byModel.entrySet()) {
      List<Charts.Point> pcsr = new ArrayList<>();
      Charts.Point allHeavy = null;
      Charts.Point original = null;
      Double originalGflops = null;
      String model = null;
      long images = 0;
      for (Row r : e.getValue()) {
        model = r.getAs("model");
        images = Math.max(images, r.<Long>getAs("images"));
        Charts.Point p = new Charts.Point(r.getAs("setting"), r.<Double>getAs("gflops"),
            r.<Double>getAs("psnr"));
        if (EvalSetting.ORIGINAL.equals(r.getAs("setting"))) {
          original = p;
        } else if (EvalSetting.ALL_HEAVY.equals(r.getAs("setting"))) {
          allHeavy = p;
        } else {
          pcsr.add(p);
        }
        Double share = r.getAs("share_of_original");
        if (share != null && share > 0 && originalGflops == null) {
          originalGflops = r.<Double>getAs("gflops") / share;
        }
      }
      String title = Charts.fmt("PSNR vs GFLOPs: %s (%d image%s)", shortName(model), images,
          images == 1 ? "" : "s");
      out.put(e.getKey(), Charts.psnrFlops(title, pcsr, allHeavy, original, originalGflops));
    }
    return out;
  }

  /** The file name of a model URI, for titles and file names. */
  static String shortName(String model) {
    if (model == null) {
      return "model";
    }
    String m = model;
    int hash = m.indexOf('#');
    if (hash >= 0) {
      m = m.substring(0, hash);
    }
    int slash = Math.max(m.lastIndexOf('/'), m.lastIndexOf(':'));
    return slash >= 0 && slash < m.length() - 1 ? m.substring(slash + 1) : m;
  }

  /** A file-name-safe form of a model's short name. */
  static String fileName(String model) {
    String s = shortName(model).replaceFirst("\\.(pth|pt|safetensors)$", "")
        .replaceAll("[^A-Za-z0-9._-]", "_");
    return s.isEmpty() ? "model" : s;
  }

  static byte[] chartPng(JFreeChart chart) throws IOException {
    return Charts.png(chart, 900, 560);
  }
}
