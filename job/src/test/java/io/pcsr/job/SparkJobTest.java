package io.pcsr.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import org.junit.jupiter.api.Assertions;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pcsr.udf.image.FloatImage;
import io.pcsr.udf.image.ImageCodec;
import io.pcsr.udf.image.Quantizer;
import io.pcsr.udf.infer.ModelCache;
import io.pcsr.udf.infer.SrResult;
import io.pcsr.udf.infer.Upscaler;
import io.pcsr.udf.routing.RoutingPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Spark job end to end on local[2], against whole-image inference on one JVM. */
class SparkJobTest extends SparkTestBase {
  static Path reference;
  static Path carn;
  @TempDir static Path tmp;
  static Path input;

  @BeforeAll
  static void images() throws Exception {
    reference = Path.of(System.getProperty("pcsr.reference.dir", "../../shared/reference"));
    assumeTrue(Files.isDirectory(reference), "reference fixtures absent at " + reference + "; skipped");
    carn = reference.resolve("checkpoints/carn-pcsr-x4.pth");
    input = twoImages(tmp.resolve("in"), reference);
    Files.writeString(input.resolve("broken.png"), "this is not a PNG");
  }

  /**
   * A 131 x 101 crop of the 2K test image as {@code crop.png} and the reference case's 96 x 96
   * input as {@code nested/case.png}, under {@code input}; returns it.
   */
  static Path twoImages(Path input, Path reference) throws java.io.IOException {
    Files.createDirectories(input.resolve("nested"));
    FloatImage big = ImageCodec.read(reference.resolve("images/test2k-1232-lr-x4.png"));
    ImageCodec.write(big.crop(40, 150, 101, 131), input.resolve("crop.png"));
    Files.copy(reference.resolve("cases/test2k1232-carn-adm/lr.png"), input.resolve("nested/case.png"));
    return input;
  }

  private PcsrJob.Outcome run(Path out, Map<String, String> conf) throws Exception {
    JobConfig cfg = JobConfig.resolve(input.toString(), out.toString(), conf, k -> null);
    return new PcsrJob(spark(), cfg).run();
  }

  private static Map<String, String> conf(String routing, int partitions, String stats) {
    return Map.of(PcsrConf.MODEL, carn.toString(), PcsrConf.ROUTING, routing,
        PcsrConf.TILE_SIZE, "40", PcsrConf.PARTITIONS, Integer.toString(partitions),
        PcsrConf.STATS_PIXELS, stats, PcsrConf.RUN_ID, "r" + partitions + stats);
  }

  @Test
  void tiledAdaptiveRunEqualsWholeImageAndIsIndependentOfPartitioning() throws Exception {
    Path out1 = tmp.resolve("out-p1");
    Path out7 = tmp.resolve("out-p7");
    PcsrJob.Outcome one = run(out1, conf("adaptive", 1, "full"));
    PcsrJob.Outcome seven = run(out7, conf("adaptive", 7, "full"));
    System.out.println(one.reconciliation());
    assertEquals(3, one.listed());
    assertEquals(2, one.succeeded());
    assertEquals(1, one.failed());

    // the same classes whatever the partitioning, and the same as whole-image ADM
    Upscaler whole = new Upscaler(ModelCache.engine(carn, 4));
    for (String id : List.of("crop.png", "nested/case.png")) {
      byte[] c1 = classes(out1, id, "r1full");
      byte[] c7 = classes(out7, id, "r7full");
      assertArrayEquals(c1, c7, id + ": 1 vs 7 partitions");
      FloatImage lr = ImageCodec.read(input.resolve(id));
      SrResult ref = whole.upscale(lr, new RoutingPolicy.Adaptive(), true);
      byte[] expected = new byte[ref.heavyShare().length];
      for (int i = 0; i < expected.length; i++) {
        expected[i] = (byte) ref.heavyShare()[i];
      }
      assertArrayEquals(expected, c1, id + ": tiled job vs whole-image ADM");
      int[] written = Quantizer.quantize(ImageCodec.read(out1.resolve("images").resolve(id)));
      assertArrayEquals(Quantizer.quantize(ref.image()), written, id + ": output image");
    }

    // the errors table names the broken file and the stage
    Row err = spark().read().parquet(out1.resolve("_stats/errors").toString()).first();
    Assertions.assertTrue(err.<String>getAs("source").endsWith("broken.png"));
    assertEquals("decode", err.getAs("stage"));

    // SQL over the tables: heavy share per image from the pixels table = the images table
    spark().read().parquet(out1.resolve("_stats/pixels").toString()).createOrReplaceTempView("pixels");
    spark().read().parquet(out1.resolve("_stats/images").toString()).createOrReplaceTempView("images");
    Dataset<Row> fromPixels = spark().sql("SELECT image_id, sum(heavy) / sum(pixels) AS heavy_share, "
        + "sum(flops_paper) AS flops_paper FROM pixels WHERE run_id = 'r1full' GROUP BY image_id ORDER BY image_id");
    Dataset<Row> fromImages = spark().sql("SELECT image_id, heavy_share, flops_paper FROM images "
        + "WHERE run_id = 'r1full' AND status = 'ok' ORDER BY image_id");
    assertDataFrameApproximateEquals(fromImages, fromPixels, 1e-3);
    // the tiles table (written by the model tasks) adds up to the images table, and its cores
    // cover each LR image once, inside their inputs
    spark().read().parquet(out7.resolve("_stats/tiles").toString()).createOrReplaceTempView("tiles");
    spark().read().parquet(out7.resolve("_stats/images").toString()).createOrReplaceTempView("images7");
    List<Row> agree = spark().sql("SELECT t.image_id, t.n = i.tiles AND t.pixels = i.pixels "
        + "AND t.heavy_pixels = i.heavy_pixels AND abs(t.flops - i.flops) <= 1e-9 * i.flops "
        + "AND t.lr = i.width_in * i.height_in AND t.inside AND t.h = i.height_in "
        + "AND t.w = i.width_in AS agrees, t.n, t.pixels, t.heavy_pixels, t.lr, t.h, t.w, "
        + "i.tiles, i.pixels, i.heavy_pixels, i.width_in, i.height_in FROM (SELECT image_id, "
        + "count(*) AS n, sum(pixels) AS pixels, sum(heavy_pixels) AS heavy_pixels, "
        + "sum(flops) AS flops, sum(height * width) AS lr, min(input_height - height) >= 0 "
        + "AND min(input_width - width) >= 0 AS inside, max(y + height) AS h, "
        + "max(x + width) AS w FROM tiles WHERE run_id = 'r7full' GROUP BY image_id) t "
        + "JOIN images7 i ON i.image_id = t.image_id AND i.run_id = 'r7full' "
        + "WHERE i.status = 'ok'").collectAsList();
    assertEquals(2, agree.size(), agree.toString());
    Assertions.assertTrue(agree.stream().allMatch(r -> r.getBoolean(1)), agree.toString());
    Dataset<Row> histogram = spark().sql("SELECT floor(flops_paper / 10000) * 10000 AS bucket, "
        + "count(*) AS n FROM pixels GROUP BY 1 ORDER BY 1");
    Assertions.assertTrue(histogram.count() >= 2, "FLOPs per pixel take at least two values (light, heavy)");
    Assertions.assertTrue(Files.exists(out1.resolve("_SUCCESS")));
  }

  private byte[] classes(Path out, String id, String runId) {
    List<Row> rows = spark().read().parquet(out.resolve("_stats/pixels").toString())
        .filter("run_id = '" + runId + "' AND image_id = '" + id + "'")
        .orderBy("y", "x").select("heavy").collectAsList();
    byte[] c = new byte[rows.size()];
    for (int i = 0; i < c.length; i++) {
      c[i] = (byte) rows.get(i).getInt(0);
    }
    return c;
  }

  @Test
  void rerunSkipsFinishedImagesAndOverwriteRedoesThem() throws Exception {
    Path out = tmp.resolve("out-resume");
    Map<String, String> first = new java.util.HashMap<>(conf("k=0", 2, "lr"));
    first.put(PcsrConf.OVERLAY, "true");
    spark().conf().set("spark.sql.adaptive.enabled", "true");
    PcsrJob.Outcome a = run(out, first);
    assertEquals(2, a.succeeded());
    assertEquals("true", spark().conf().get("spark.sql.adaptive.enabled"),
        "a run leaves the session's settings as they were");
    FloatImage overlay = ImageCodec.read(out.resolve("overlays/nested/case.png"));
    assertEquals(384, overlay.width(), "class-map overlay at the output size");
    byte[] before = Files.readAllBytes(out.resolve("images/crop.png"));
    long modified = Files.getLastModifiedTime(out.resolve("images/crop.png")).toMillis();

    PcsrJob.Outcome b = run(out, Map.of(PcsrConf.MODEL, carn.toString(), PcsrConf.TILE_SIZE, "40",
        PcsrConf.RUN_ID, "second"));
    assertEquals(2, b.skipped(), b.reconciliation());
    assertEquals(Files.getLastModifiedTime(out.resolve("images/crop.png")).toMillis(), modified);

    PcsrJob.Outcome c = run(out, Map.of(PcsrConf.MODEL, carn.toString(), PcsrConf.TILE_SIZE, "40",
        PcsrConf.RUN_ID, "third", PcsrConf.OVERWRITE, "true"));
    assertEquals(0, c.skipped());
    assertEquals(2, c.succeeded());
    assertArrayEquals(before, Files.readAllBytes(out.resolve("images/crop.png")),
        "a rerun writes byte-identical output");
  }

  @Test
  void pixelsTableHasOneRowPerLrPixelInPartFilesThatARerunReplaces() throws Exception {
    Path out = tmp.resolve("out-pixels");
    Map<String, String> conf = new java.util.HashMap<>(conf("k=0", 3, "lr"));
    conf.put(PcsrConf.RUN_ID, "px");
    run(out, conf);
    Path folder = out.resolve("_stats/pixels/run_id=px");
    List<String> names;
    try (var files = Files.list(folder)) {
      names = files.map(f -> f.getFileName().toString()).sorted().toList();
    }
    Assertions.assertFalse(names.isEmpty());
    for (String name : names) {
      Assertions.assertTrue(name.matches("part-\\d{5}-px\\.snappy\\.parquet"),
          "only finished part files, no temporary names: " + names);
    }

    Dataset<Row> pixels = spark().read().parquet(out.resolve("_stats/pixels").toString());
    org.apache.spark.sql.types.StructType schema = pixels.schema();
    assertEquals("string", schema.apply("image_id").dataType().typeName());
    assertEquals("integer", schema.apply("x").dataType().typeName());
    assertEquals("float", schema.apply("p_heavy").dataType().typeName());
    assertEquals("float", schema.apply("flops_paper").dataType().typeName());
    long rows = pixels.count();
    long lrPixels = spark().read().parquet(out.resolve("_stats/images").toString())
        .filter("status = 'ok'").selectExpr("sum(width_in * height_in)").first().getLong(0);
    assertEquals(lrPixels, rows, "one row per LR pixel of the images written");
    assertEquals(rows, pixels.select("image_id", "x", "y").distinct().count(), "no pixel twice");
    Row ranges = pixels.selectExpr("min(heavy)", "max(heavy)", "min(pixels)", "max(pixels)",
        "count(DISTINCT level)", "min(level)", "min(p_heavy)", "max(p_heavy)").first();
    Assertions.assertTrue(ranges.getInt(0) >= 0 && ranges.getInt(1) <= 16, ranges.toString());
    assertEquals(16, ranges.getInt(2));
    assertEquals(16, ranges.getInt(3));
    assertEquals(1L, ranges.getLong(4));
    assertEquals("lr", ranges.getString(5));
    Assertions.assertTrue(ranges.getFloat(6) >= 0 && ranges.getFloat(7) <= 1, ranges.toString());
    // a row's FLOPs follow from its heavy count alone
    assertEquals(0L, pixels.groupBy("heavy").agg(
            org.apache.spark.sql.functions.countDistinct("flops").as("n"),
            org.apache.spark.sql.functions.countDistinct("flops_paper").as("m"))
        .filter("n > 1 OR m > 1").count());

    // the same run again (as a retried task or a rerun would): the part files are replaced
    conf.put(PcsrConf.OVERWRITE, "true");
    run(out, conf);
    try (var files = Files.list(folder)) {
      assertEquals(names, files.map(f -> f.getFileName().toString()).sorted().toList());
    }
    assertEquals(rows, spark().read().parquet(out.resolve("_stats/pixels").toString()).count());
  }
}
