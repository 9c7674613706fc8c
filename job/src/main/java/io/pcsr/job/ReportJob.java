package io.pcsr.job;

import static org.apache.spark.sql.functions.col;

import io.pcsr.udf.image.FloatImage;
import io.pcsr.udf.image.ImageCodec;
import io.pcsr.udf.image.ImageFormat;
import java.awt.Color;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.jfree.chart.JFreeChart;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code pcsr report}: one static HTML page about a run, from its {@code _stats} tables (and the
 * {@code _eval} table when there is one), read with Spark SQL. The PNG charts (JFreeChart) and
 * class-map thumbnails sit in a folder beside the page named after it ({@code index_files/} for
 * {@code index.html}), linked relatively, so the page and its folder can be moved together.
 */
public final class ReportJob {
  private static final Logger LOG = LoggerFactory.getLogger(ReportJob.class);

  /**
   * @param output the run's output root
   * @param runId the run to show; null = the greatest run id in the images table (run ids are
   *     timestamps unless set)
   * @param html where to write the page; null = {@code <output>/_report/<run_id>/index.html}
   * @param thumbnails at most this many class-map thumbnails
   * @param top rows of the "costliest" tables
   */
  public record Config(String output, String runId, String html, int thumbnails, int top) {}

  /** The page and every file it links. */
  public record Outcome(String html, String runId, List<String> assets) {}

  static final int THUMB_SIDE = 320;

  private final SparkSession spark;
  private final Config cfg;
  private final Configuration hconf;
  private final List<String> assets = new ArrayList<>();
  private String assetDir;
  private String assetPrefix;

  public ReportJob(SparkSession spark, Config cfg) {
    this.spark = spark;
    this.cfg = cfg;
    this.hconf = spark.sparkContext().hadoopConfiguration();
  }

  public static String defaultHtml(String output, String runId) {
    return OutputPaths.join(output, "_report/" + runId + "/index.html");
  }

  public Outcome run() throws IOException {
    String output = EvalJob.qualify(cfg.output(), hconf);
    String imagesPath = OutputPaths.stats(output, "images");
    if (!exists(imagesPath)) {
      throw new IllegalArgumentException("no run statistics at " + imagesPath
          + ": run `pcsr run --output " + cfg.output() + "` first");
    }
    Dataset<Row> allImages = spark.read().parquet(imagesPath);
    String runId = cfg.runId();
    if (runId == null) {
      Row latest = allImages.selectExpr("max(run_id)").first();
      runId = latest.isNullAt(0) ? null : latest.getString(0);
      if (runId == null) {
        throw new IllegalArgumentException("the images table at " + imagesPath + " is empty");
      }
    }
    final String run = runId;
    Dataset<Row> images = allImages.filter(col("run_id").equalTo(run));
    if (images.isEmpty()) {
      throw new IllegalArgumentException("no run '" + run + "' in " + imagesPath + "; runs: "
          + allImages.select("run_id").distinct().orderBy("run_id").collectAsList().stream()
              .map(r -> r.getString(0)).toList());
    }
    String html = cfg.html() != null ? qualifyTarget(cfg.html()) : defaultHtml(output, run);
    String htmlName = new Path(URI.create(html)).getName();
    String base = htmlName.endsWith(".html") ? htmlName.substring(0, htmlName.length() - 5)
        : htmlName;
    assetPrefix = base + "_files/";
    assetDir = OutputPaths.join(new Path(URI.create(html)).getParent().toString(), assetPrefix);

    images.createOrReplaceTempView("report_images");
    boolean hasTiles = register(OutputPaths.stats(output, "tiles"), "report_tiles", run);
    boolean hasPixels = register(OutputPaths.stats(output, "pixels"), "report_pixels", run);
    boolean hasErrors = register(OutputPaths.stats(output, "errors"), "report_errors", run);
    String evalPath = EvalJob.table(output);
    Dataset<Row> eval = exists(evalPath) ? readOrNull(evalPath) : null;

    Html page = new Html("PCSR run " + run);
    LOG.info("report for run {} of {} -> {}", run, output, html);
    Row t = spark.sql("""
        SELECT count(*) AS images, count_if(status = 'ok') AS ok,
               first(model) AS model, first(backbone) AS backbone, first(routing) AS routing,
               first(refine) AS refine, first(tile_mode) AS tile_mode, first(scale) AS scale,
               sum(pixels) AS pixels, sum(heavy_pixels) AS heavy_pixels,
               sum(flops_paper) AS flops_paper, sum(flops) AS flops,
               sum(flops_all_heavy_paper) AS all_heavy, sum(flops_original_paper) AS original,
               sum(tiles) AS tiles, sum(backbone_ms) AS backbone_ms,
               sum(classifier_ms) AS classifier_ms, sum(routing_ms) AS routing_ms,
               sum(upsampling_ms) AS upsampling_ms, sum(write_ms) AS write_ms
        FROM report_images WHERE status = 'ok'
        """).first();
    long failedImages = spark.sql("SELECT count(*) FROM report_images WHERE status <> 'ok'")
        .first().getLong(0);
    long errors = hasErrors ? spark.sql("SELECT count(*) FROM report_errors").first().getLong(0) : 0;
    overview(page, t, output, run, failedImages, errors);
    if (t.getLong(1) == 0) {
      page.p("No image of this run was written successfully: nothing to chart.");
    } else {
      savings(page, t);
      if (hasPixels) {
        flopsPerPixel(page, t);
      } else {
        page.note("No pixels table (the run used --stats-pixels none): no per-pixel distribution "
            + "and no class maps.");
      }
      heavyShares(page);
      costliest(page, hasTiles);
      if (hasPixels && cfg.thumbnails() > 0) {
        classMaps(page);
      }
    }
    if (eval != null) {
      evaluation(page, eval);
    }
    if (hasErrors && errors > 0) {
      errorsSection(page);
    }
    page.footer("Written by pcsr report from " + output + "/_stats" + (eval != null
        ? " and " + output + "/_eval" : "") + ". FLOPs follow the official PCSR counter's "
        + "convention (2 x multiply-adds of convolutions and linear layers) unless marked "
        + "executed (what this implementation ran, tile halos included).");
    EvalJob.write(html, page.toString().getBytes(StandardCharsets.UTF_8), hconf);
    for (String v : List.of("report_images", "report_tiles", "report_pixels", "report_errors")) {
      spark.catalog().dropTempView(v);
    }
    return new Outcome(html, run, List.copyOf(assets));
  }

  // ---------------------------------------------------------------- sections

  private void overview(Html page, Row t, String output, String run, long failedImages,
      long errors) {
    page.h1("PCSR run " + run);
    page.sub(esc(output));
    Map<String, String> facts = new LinkedHashMap<>();
    facts.put("model", String.valueOf(t.<Object>getAs("model")));
    facts.put("backbone", String.valueOf(t.<Object>getAs("backbone")));
    facts.put("routing", t.getAs("routing") + (Boolean.TRUE.equals(t.getAs("refine"))
        ? ", refinement on" : ", no refinement"));
    facts.put("tiling", t.getAs("tile_mode") + ", " + t.getAs("tiles") + " tiles, x" + t.getAs("scale"));
    facts.put("images", t.getAs("ok") + " written, " + failedImages + " failed, " + errors
        + " rows in the errors table");
    if (t.getLong(1) > 0) {
      long px = t.getAs("pixels");
      double paper = t.getAs("flops_paper");
      facts.put("output", Charts.fmt("%.2f megapixels, %.1f %% of them heavy", px / 1e6,
          100.0 * t.<Long>getAs("heavy_pixels") / px));
      facts.put("FLOPs", Charts.fmt("%.2f GFLOPs (%.2f GFLOPs per output megapixel); executed "
          + "%.2f GFLOPs", paper / 1e9, paper / px / 1e3, t.<Double>getAs("flops") / 1e9));
      facts.put("time", Charts.fmt("backbone %.1f s, classifier %.1f s, routing %.1f s, "
              + "upsampling %.1f s, writing %.1f s (summed over tasks)",
          t.<Double>getAs("backbone_ms") / 1e3, t.<Double>getAs("classifier_ms") / 1e3,
          t.<Double>getAs("routing_ms") / 1e3, t.<Double>getAs("upsampling_ms") / 1e3,
          t.<Double>getAs("write_ms") / 1e3));
    }
    page.facts(facts);
  }

  private void savings(Html page, Row t) throws IOException {
    double paper = t.getAs("flops_paper");
    Double allHeavy = t.getAs("all_heavy");
    Double original = t.getAs("original");
    page.h2("Savings", "savings");
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"this run (PCSR)", Charts.fmt("%.2f", paper / 1e9), "", ""});
    if (allHeavy != null && allHeavy > 0) {
      rows.add(new String[] {"PCSR with every pixel heavy", Charts.fmt("%.2f", allHeavy / 1e9),
          Charts.fmt("%.1f %%", 100 * paper / allHeavy),
          Charts.fmt("%.2f GFLOPs (%.1f %%)", (allHeavy - paper) / 1e9, 100 * (1 - paper / allHeavy))});
    }
    if (original != null && original > 0) {
      rows.add(new String[] {"the original network", Charts.fmt("%.2f", original / 1e9),
          Charts.fmt("%.1f %%", 100 * paper / original),
          Charts.fmt("%.2f GFLOPs (%.1f %%)", (original - paper) / 1e9, 100 * (1 - paper / original))});
    }
    page.table(new String[] {"all images of the run", "GFLOPs", "this run's FLOPs as a share",
        "saved"}, rows);
    List<Row> per = spark.sql(String.format("""
        SELECT image_id, flops_paper / 1e9 AS pcsr, flops_all_heavy_paper / 1e9 AS all_heavy,
               flops_original_paper / 1e9 AS original
        FROM report_images WHERE status = 'ok' ORDER BY flops_paper DESC, image_id LIMIT %d
        """, Math.max(1, Math.min(30, cfg.top() * 2)))).collectAsList();
    List<String> cats = new ArrayList<>();
    boolean hasOriginal = per.stream().allMatch(r -> !r.isNullAt(3));
    double[][] v = new double[hasOriginal ? 3 : 2][per.size()];
    for (int i = 0; i < per.size(); i++) {
      Row r = per.get(i);
      cats.add(shortId(r.getString(0)));
      v[0][i] = r.getDouble(1);
      v[1][i] = r.getDouble(2);
      if (hasOriginal) {
        v[2][i] = r.getDouble(3);
      }
    }
    List<String> series = hasOriginal ? List.of("PCSR (this run)", "all heavy", "original network")
        : List.of("PCSR (this run)", "all heavy");
    JFreeChart chart = Charts.bars("GFLOPs per image: this run against all-heavy and the original",
        "GFLOPs (official convention)", cats, series, v,
        new Color[] {Charts.PCSR, Charts.HEAVY, Charts.ORIGINAL}, cats.size() > 6);
    page.img(asset("savings.png", Charts.png(chart, 900, 420)),
        "GFLOPs per image: PCSR against all-heavy and the original network",
        per.size() < t.<Long>getAs("ok") ? "The " + per.size() + " costliest images." : null);
  }

  private void flopsPerPixel(Html page, Row t) throws IOException {
    page.h2("FLOPs per output pixel", "flops-per-pixel");
    Row range = spark.sql("""
        SELECT min(flops_paper / pixels) AS lo, max(flops_paper / pixels) AS hi,
               sum(flops_paper) / sum(pixels) AS mean, first(level) AS level
        FROM report_pixels
        """).first();
    if (range.isNullAt(0)) {
      page.note("The pixels table has no rows for this run.");
      return;
    }
    double lo = range.getDouble(0);
    double hi = range.getDouble(1);
    int bins = 40;
    double width = hi > lo ? (hi - lo) / bins : Math.max(1, lo * 0.01);
    List<Row> h = spark.sql(String.format(java.util.Locale.ROOT, """
        SELECT least(CAST(floor((flops_paper / pixels - %1$.17g) / %2$.17g) AS INT), %3$d) AS bin,
               sum(pixels) AS n
        FROM report_pixels GROUP BY 1 ORDER BY 1
        """, lo, width, bins - 1)).collectAsList();
    long total = 0;
    for (Row r : h) {
      total += r.getLong(1);
    }
    double[] starts = new double[h.size()];
    double[] weights = new double[h.size()];
    for (int i = 0; i < h.size(); i++) {
      starts[i] = (lo + h.get(i).getInt(0) * width) / 1e3;
      weights[i] = 100.0 * h.get(i).getLong(1) / total;
    }
    List<Charts.Marker> markers = new ArrayList<>();
    markers.add(new Charts.Marker(range.getDouble(2) / 1e3, "mean", Charts.PCSR.darker()));
    Double allHeavy = t.getAs("all_heavy");
    long px = t.getAs("pixels");
    if (allHeavy != null) {
      markers.add(new Charts.Marker(allHeavy / px / 1e3, "all heavy", Charts.HEAVY));
    }
    Double original = t.getAs("original");
    if (original != null) {
      markers.add(new Charts.Marker(original / px / 1e3, "original", Charts.ORIGINAL));
    }
    String level = range.getString(3);
    JFreeChart chart = Charts.histogram("Distribution of FLOPs per output pixel",
        "kFLOPs per output pixel (backbone share included)", "share of output pixels (%)",
        starts, weights, width / 1e3, markers, Charts.LIGHT.darker());
    page.img(asset("flops-per-pixel.png", Charts.png(chart, 900, 400)),
        "Histogram of FLOPs per output pixel",
        "lr".equals(level) ? "Pixels table at LR granularity: each bar is the mean over the "
            + "scale x scale output pixels of one LR pixel, so it shows how many of them went heavy."
            : "Every output pixel costs either the light or the heavy path plus its share of the "
                + "backbone and classifier.");
  }

  private void heavyShares(Html page) throws IOException {
    page.h2("Heavy share per image", "heavy-share");
    List<Row> rows = spark.sql("""
        SELECT image_id, heavy_share FROM report_images WHERE status = 'ok'
        ORDER BY heavy_share DESC, image_id
        """).collectAsList();
    JFreeChart chart;
    if (rows.size() <= 40) {
      List<String> cats = new ArrayList<>();
      double[][] v = new double[1][rows.size()];
      for (int i = 0; i < rows.size(); i++) {
        cats.add(shortId(rows.get(i).getString(0)));
        v[0][i] = 100 * rows.get(i).getDouble(1);
      }
      chart = Charts.bars("Share of each image's output pixels sent to the heavy upsampler",
          "heavy pixels (%)", cats, List.of("heavy share"), v, new Color[] {Charts.HEAVY},
          cats.size() > 6);
    } else {
      int bins = 20;
      double[] starts = new double[bins];
      double[] weights = new double[bins];
      for (int i = 0; i < bins; i++) {
        starts[i] = 100.0 * i / bins;
      }
      for (Row r : rows) {
        weights[Math.min(bins - 1, (int) (r.getDouble(1) * bins))] += 1;
      }
      chart = Charts.histogram("Heavy share over the run's images", "heavy pixels (%)", "images",
          starts, weights, 100.0 / bins, List.of(), Charts.HEAVY);
    }
    page.img(asset("heavy-share.png", Charts.png(chart, 900, 380)), "Heavy share per image", null);
  }

  private void costliest(Html page, boolean hasTiles) {
    page.h2("Costliest images", "costliest-images");
    List<Row> imgs = spark.sql(String.format("""
        SELECT image_id, width_in, height_in, width_out, height_out, heavy_share,
               flops_paper / 1e9 AS gflops, flops_paper / pixels / 1e3 AS gflops_per_mp,
               flops_paper / flops_all_heavy_paper AS vs_all_heavy,
               flops_paper / flops_original_paper AS vs_original,
               (backbone_ms + classifier_ms + routing_ms + upsampling_ms) / 1e3 AS seconds
        FROM report_images WHERE status = 'ok' ORDER BY flops_paper DESC, image_id LIMIT %d
        """, cfg.top())).collectAsList();
    List<String[]> rows = new ArrayList<>();
    for (Row r : imgs) {
      rows.add(new String[] {r.getString(0), r.get(1) + "×" + r.get(2),
          r.get(3) + "×" + r.get(4), pct(r.get(5)), Charts.fmt("%.2f", r.getDouble(6)),
          Charts.fmt("%.1f", r.getDouble(7)), pct(r.get(8)), pct(r.get(9)),
          Charts.fmt("%.2f", r.getDouble(10))});
    }
    page.table(new String[] {"image", "input", "output", "heavy", "GFLOPs", "GFLOPs / MP",
        "vs all-heavy", "vs original", "model s"}, rows);
    if (!hasTiles) {
      return;
    }
    page.h2("Costliest tiles", "costliest-tiles");
    page.p("Ranked by GFLOPs per output megapixel (official convention), so that small edge tiles "
        + "compete on equal terms; coordinates are the tile's LR core.");
    List<Row> tiles = spark.sql(String.format("""
        SELECT image_id, tile_index, x, y, width, height, heavy_pixels / pixels AS heavy_share,
               flops_paper / pixels / 1e3 AS gflops_per_mp, flops_paper / 1e9 AS gflops,
               backbone_ms + classifier_ms + routing_ms + upsampling_ms AS ms, executor
        FROM report_tiles ORDER BY flops_paper / pixels DESC, image_id, tile_index LIMIT %d
        """, cfg.top())).collectAsList();
    List<String[]> trows = new ArrayList<>();
    for (Row r : tiles) {
      trows.add(new String[] {r.getString(0), String.valueOf(r.get(1)),
          r.get(2) + ", " + r.get(3), r.get(4) + "×" + r.get(5), pct(r.get(6)),
          Charts.fmt("%.1f", r.getDouble(7)), Charts.fmt("%.3f", r.getDouble(8)),
          Charts.fmt("%.0f", r.getDouble(9)), String.valueOf(r.get(10))});
    }
    page.table(new String[] {"image", "tile", "x, y (LR)", "size (LR)", "heavy", "GFLOPs / MP",
        "GFLOPs", "ms", "executor"}, trows);
  }

  private void classMaps(Html page) throws IOException {
    List<Row> chosen = spark.sql(String.format("""
        SELECT image_id, output, width_out, height_out, scale, heavy_share
        FROM report_images WHERE status = 'ok' ORDER BY image_id LIMIT %d
        """, cfg.thumbnails())).collectAsList();
    if (chosen.isEmpty()) {
      return;
    }
    page.h2("Class maps", "class-maps");
    page.p("Each output image at 65 % opacity over green where pixels took the light upsampler "
        + "and red where they took the heavy one (mixed where a thumbnail pixel covers both).");
    List<Row> factors = new ArrayList<>();
    Map<String, Integer> factorOf = new HashMap<>();
    for (Row r : chosen) {
      int f = ReportThumbnails.factor(r.getInt(2), r.getInt(3), r.getInt(4), THUMB_SIDE);
      factors.add(RowFactory.create(r.getString(0), f, r.getInt(4)));
      factorOf.put(r.getString(0), f);
    }
    StructType fs = new StructType().add("image_id", DataTypes.StringType)
        .add("f", DataTypes.IntegerType).add("scale", DataTypes.IntegerType);
    spark.createDataFrame(factors, fs).createOrReplaceTempView("report_thumbs");
    // pixel rows -> thumbnail cells: an 'lr' row covers the scale x scale block at (y, x) * scale
    List<Row> cells = spark.sql("""
        SELECT p.image_id,
               CAST(floor(CASE WHEN p.level = 'lr' THEN p.y * t.scale ELSE p.y END / t.f) AS INT) AS ty,
               CAST(floor(CASE WHEN p.level = 'lr' THEN p.x * t.scale ELSE p.x END / t.f) AS INT) AS tx,
               sum(p.heavy) / sum(p.pixels) AS share
        FROM report_pixels p JOIN report_thumbs t ON p.image_id = t.image_id
        GROUP BY 1, 2, 3
        """).collectAsList();
    spark.catalog().dropTempView("report_thumbs");
    Map<String, float[]> shares = new HashMap<>();
    Map<String, int[]> sizes = new HashMap<>();
    for (Row r : chosen) {
      int f = factorOf.get(r.getString(0));
      int tw = ReportThumbnails.thumbSide(r.getInt(2), f);
      int th = ReportThumbnails.thumbSide(r.getInt(3), f);
      sizes.put(r.getString(0), new int[] {tw, th});
      shares.put(r.getString(0), new float[tw * th]);
    }
    for (Row c : cells) {
      int[] size = sizes.get(c.getString(0));
      int ty = c.getInt(1);
      int tx = c.getInt(2);
      if (ty >= 0 && tx >= 0 && ty < size[1] && tx < size[0]) {
        shares.get(c.getString(0))[ty * size[0] + tx] = (float) c.getDouble(3);
      }
    }
    List<String[]> figures = new ArrayList<>();
    int i = 0;
    for (Row r : chosen) {
      String id = r.getString(0);
      FloatImage thumb = ReportThumbnails.render(r.getString(1), r.getInt(2), r.getInt(3),
          factorOf.get(id), shares.get(id), hconf);
      String file = asset(Charts.fmt("classmap-%03d.png", i++),
          ImageCodec.encode(thumb, ImageFormat.PNG));
      figures.add(new String[] {file, id, Charts.fmt("%s · %d×%d · heavy %.1f %%", id,
          r.getInt(2), r.getInt(3), 100 * r.getDouble(5))});
    }
    page.gallery(figures);
  }

  private void evaluation(Html page, Dataset<Row> eval) throws IOException {
    List<Row> summary = EvalSummary.compute(spark, eval);
    if (summary.isEmpty()) {
      return;
    }
    page.h2("PSNR against FLOPs (pcsr eval)", "eval");
    page.p("From the _eval table: mean PSNR (RGB, border = scale) and mean GFLOPs per image of "
        + "each setting, the LR made from the HR by MATLAB-style bicubic in float.");
    Map<String, JFreeChart> charts = EvalSummary.charts(summary);
    List<String> keys = new ArrayList<>(charts.keySet());
    // the latest four (run, model) pairs
    List<String> shown = keys.subList(Math.max(0, keys.size() - 4), keys.size());
    int i = 0;
    for (String k : shown) {
      page.img(asset(Charts.fmt("eval-%d.png", i++), EvalSummary.chartPng(charts.get(k))),
          "PSNR against GFLOPs", "eval run " + k.substring(0, k.indexOf('\u0000')));
    }
    List<String[]> rows = new ArrayList<>();
    for (Row r : summary) {
      String key = r.<String>getAs("run_id") + "\u0000" + r.<String>getAs("model");
      if (!shown.contains(key)) {
        continue;
      }
      rows.add(new String[] {r.getAs("run_id"), EvalSummary.shortName(r.getAs("model")),
          r.getAs("setting"), String.valueOf(r.<Long>getAs("images")),
          Charts.fmt("%.4f", r.<Double>getAs("psnr")),
          r.getAs("ssim") == null ? "" : Charts.fmt("%.4f", r.<Double>getAs("ssim")),
          Charts.fmt("%.3f", r.<Double>getAs("gflops")), pct(r.getAs("heavy_share")),
          pct(r.getAs("share_of_all_heavy")), pct(r.getAs("share_of_original"))});
    }
    page.table(new String[] {"eval run", "model", "setting", "images", "PSNR", "SSIM", "GFLOPs",
        "heavy", "vs all-heavy", "vs original"}, rows);
  }

  private void errorsSection(Html page) {
    page.h2("Errors", "errors");
    List<Row> errs = spark.sql(String.format("""
        SELECT source, stage, error_class, message FROM report_errors ORDER BY source LIMIT %d
        """, Math.max(cfg.top(), 20))).collectAsList();
    List<String[]> rows = new ArrayList<>();
    for (Row r : errs) {
      rows.add(new String[] {r.getString(0), r.getString(1), String.valueOf(r.get(2)),
          String.valueOf(r.get(3))});
    }
    page.table(new String[] {"source", "stage", "error", "message"}, rows);
  }

  // ---------------------------------------------------------------- helpers

  private String asset(String name, byte[] png) throws IOException {
    String target = OutputPaths.join(assetDir, name);
    EvalJob.write(target, png, hconf);
    assets.add(target);
    return assetPrefix + name;
  }

  private boolean register(String path, String view, String run) {
    if (!exists(path)) {
      return false;
    }
    Dataset<Row> d = readOrNull(path);
    if (d == null || !java.util.Arrays.asList(d.columns()).contains("run_id")) {
      return false;
    }
    d.filter(col("run_id").equalTo(run)).createOrReplaceTempView(view);
    return true;
  }

  private Dataset<Row> readOrNull(String path) {
    try {
      return spark.read().parquet(path);
    } catch (Exception e) { // AnalysisException is checked in Java's eyes but undeclared
      // an empty table (no files yet) has no schema to infer
      LOG.info("cannot read {}: {}", path, ErrorMessages.of(e));
      return null;
    }
  }

  private boolean exists(String path) {
    try {
      Path p = new Path(URI.create(path));
      return FileSystem.get(p.toUri(), hconf).exists(p);
    } catch (IOException | IllegalArgumentException e) {
      return false;
    }
  }

  private String qualifyTarget(String target) throws IOException {
    if (target.contains(":/")) {
      return target;
    }
    FileSystem local = FileSystem.getLocal(hconf);
    return local.makeQualified(new Path(new java.io.File(target).getAbsolutePath())).toString();
  }

  private static String pct(Object v) {
    return v == null ? "–" : Charts.fmt("%.1f %%", 100 * ((Number) v).doubleValue());
  }

  private static String shortId(String id) {
    return id.length() <= 28 ? id : "…" + id.substring(id.length() - 27);
  }

  static String esc(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  /** A small HTML writer: everything it is given as text is escaped. */
  static final class Html {
    private final StringBuilder body = new StringBuilder();
    private final StringBuilder nav = new StringBuilder();
    private final String title;

    Html(String title) {
      this.title = title;
    }

    void h1(String text) {
      body.append("<h1>").append(esc(text)).append("</h1>\n");
    }

    void sub(String escapedHtml) {
      body.append("<p class=\"sub\">").append(escapedHtml).append("</p>\n");
    }

    void h2(String text, String id) {
      body.append("<h2 id=\"").append(esc(id)).append("\">").append(esc(text)).append("</h2>\n");
      nav.append("<a href=\"#").append(esc(id)).append("\">").append(esc(text)).append("</a>\n");
    }

    void p(String text) {
      body.append("<p>").append(esc(text)).append("</p>\n");
    }

    void note(String text) {
      body.append("<p class=\"note\">").append(esc(text)).append("</p>\n");
    }

    void facts(Map<String, String> facts) {
      body.append("<dl class=\"facts\">\n");
      facts.forEach((k, v) -> body.append("<dt>").append(esc(k)).append("</dt><dd>")
          .append(esc(v)).append("</dd>\n"));
      body.append("</dl>\n");
    }

    void img(String src, String alt, String caption) {
      body.append("<figure><img src=\"").append(esc(src)).append("\" alt=\"").append(esc(alt))
          .append("\">");
      if (caption != null) {
        body.append("<figcaption>").append(esc(caption)).append("</figcaption>");
      }
      body.append("</figure>\n");
    }

    void gallery(List<String[]> figures) {
      body.append("<div class=\"gallery\">\n");
      for (String[] f : figures) {
        body.append("<figure><img src=\"").append(esc(f[0])).append("\" alt=\"class map of ")
            .append(esc(f[1])).append("\"><figcaption>").append(esc(f[2]))
            .append("</figcaption></figure>\n");
      }
      body.append("</div>\n");
    }

    void table(String[] header, List<String[]> rows) {
      body.append("<table>\n<thead><tr>");
      for (String h : header) {
        body.append("<th>").append(esc(h)).append("</th>");
      }
      body.append("</tr></thead>\n<tbody>\n");
      for (String[] r : rows) {
        body.append("<tr>");
        for (int i = 0; i < r.length; i++) {
          body.append(i == 0 ? "<td class=\"id\">" : "<td>").append(esc(r[i])).append("</td>");
        }
        body.append("</tr>\n");
      }
      body.append("</tbody></table>\n");
    }

    void footer(String text) {
      body.append("<footer>").append(esc(text)).append("</footer>\n");
    }

    @Override public String toString() {
      return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>"
          + esc(title) + "</title>\n<style>\n" + CSS + "</style></head>\n<body>\n<nav>" + nav
          + "</nav>\n<main>\n" + body + "</main>\n</body></html>\n";
    }

    private static final String CSS = """
        body { font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; margin: 0;
               color: #222; background: #fafafa; }
        nav { position: sticky; top: 0; background: #1f3b57; padding: 6px 24px; z-index: 1; }
        nav a { color: #fff; margin-right: 18px; text-decoration: none; font-size: 14px; }
        main { max-width: 940px; margin: 0 auto; padding: 8px 24px 40px; }
        h1 { font-size: 24px; margin: 18px 0 2px; }
        h2 { font-size: 19px; margin-top: 34px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
        .sub { color: #666; margin-top: 0; font-size: 13px; }
        .note { color: #8a5a00; background: #fff6e0; padding: 6px 10px; }
        dl.facts { display: grid; grid-template-columns: 110px 1fr; gap: 3px 12px; font-size: 14px; }
        dl.facts dt { font-weight: 600; color: #555; }
        dl.facts dd { margin: 0; }
        figure { margin: 12px 0; }
        figure img { max-width: 100%; border: 1px solid #e4e4e4; background: #fff; }
        figcaption { font-size: 13px; color: #555; margin-top: 3px; }
        table { border-collapse: collapse; font-size: 13px; margin: 8px 0; width: 100%; }
        th, td { border-bottom: 1px solid #e4e4e4; padding: 4px 8px; text-align: right; }
        th { background: #eef2f6; }
        td.id, th:first-child { text-align: left; word-break: break-all; }
        .gallery { display: flex; flex-wrap: wrap; gap: 12px; }
        .gallery figure { margin: 0; width: 290px; }
        .gallery img { width: 100%; }
        footer { margin-top: 40px; font-size: 12px; color: #777; }
        """;
  }
}
