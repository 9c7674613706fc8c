package io.pcsr.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pcsr.udf.cost.PcsrCost;
import io.pcsr.udf.image.FloatImage;
import io.pcsr.udf.image.ImageCodec;
import io.pcsr.udf.infer.ModelCache;
import io.pcsr.udf.infer.Upscaler;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code pcsr eval} on local Spark: the official full-image results of the demo image
 * (../shared/reference/full-image-results.json) come out of the _eval table, and the table,
 * summary and chart are where the README says.
 */
class EvalCommandTest extends SparkTestBase {
  @TempDir Path tmp;

  static Path reference() {
    Path ref = Path.of(System.getProperty("pcsr.reference.dir", "../../shared/reference"));
    assumeTrue(Files.isDirectory(ref), "reference fixtures absent at " + ref
        + " (set -Dpcsr.reference.dir); skipped");
    return ref;
  }

  @Test
  void reproducesTheOfficialFullImageResultsThroughEval() throws Exception {
    Path ref = reference();
    Path carn = ref.resolve("checkpoints/carn-pcsr-x4.pth");
    Path original = ref.resolve("checkpoints/carn-x4.pth");
    EvalCommand cmd = CommandLine.populateCommand(new EvalCommand(),
        "--hr", ref.resolve("images/test2k-1232-hr.png").toString(),
        "--output", tmp.resolve("out").toString(), "--model", carn.toString(),
        "--original", original.toString(), "--k", "0", "--adaptive", "--run-id", "full");
    EvalJob.Config cfg = cmd.config(k -> null);
    assertEquals(List.of("k=0.0", "adaptive", "all-heavy", "original"),
        cfg.settings().stream().map(EvalSetting::name).toList());
    EvalJob.Outcome outcome = new EvalJob(spark(), cfg).run();
    System.out.print(EvalSummary.table(outcome.summary()));
    assertEquals(0, outcome.failedRows());

    Map<String, Row> rows = new HashMap<>();
    for (Row r : spark().read().parquet(tmp.resolve("out/_eval").toString())
        .filter("run_id = 'full'").collectAsList()) {
      rows.put(r.getAs("setting"), r);
    }
    assertEquals(4, rows.size(), "one row per setting: " + rows.keySet());

    JsonNode expected = new ObjectMapper()
        .readTree(ref.resolve("full-image-results.json").toFile()).get("results");
    PcsrCost cost = new Upscaler(ModelCache.engine(carn, 4)).cost();
    Map<String, String> official = Map.of("k=0.0", "carn-pcsr k0 refine",
        "adaptive", "carn-pcsr adm refine", "all-heavy", "carn-pcsr all-heavy k-25",
        "original", "carn-x4 original");
    for (Map.Entry<String, String> e : official.entrySet()) {
      Row r = rows.get(e.getKey());
      JsonNode x = expected.get(e.getValue());
      double psnr = r.getAs("psnr");
      double flops = r.getAs("flops_paper");
      System.out.printf("%-10s PSNR %.4f (official %.4f)  GFLOPs %.4f (official %.4f)%n",
          e.getKey(), psnr, x.get("psnr").asDouble(), flops / 1e9, x.get("flops").asDouble() / 1e9);
      assertEquals(x.get("psnr").asDouble(), psnr, 0.01, e.getKey() + " PSNR");
      assertEquals(1680 * 1104L, r.<Long>getAs("pixels"));
      assertEquals(cost.image(420 * 276, 1680 * 1104L).paper(), r.<Double>getAs("flops_all_heavy_paper"),
          1e-3);
      assertEquals(130913556480.0, r.<Double>getAs("flops_original_paper"), 1e-3,
          "the original network's FLOPs beside every row");
      double ssim = r.getAs("ssim");
      Assertions.assertTrue(ssim > 0.8 && ssim < 1, "SSIM " + ssim);
      Assertions.assertTrue(r.<Double>getAs("psnr_y") > psnr, "Y PSNR above RGB PSNR here");
      if (e.getKey().equals("original")) {
        assertEquals(x.get("flops").asLong(), Math.round(flops), "original FLOPs exact");
        assertNull(r.getAs("heavy_share"));
        assertEquals("original", r.getAs("method"));
        continue;
      }
      assertEquals("pcsr", r.getAs("method"));
      assertEquals(true, r.getAs("refine"));
      long heavy = r.getAs("heavy_pixels");
      assertEquals(x.get("heavy_share").asDouble(), r.<Double>getAs("heavy_share"), 1e-5);
      // our FLOPs are the FLOP model of our heavy count ...
      assertEquals(cost.image(420 * 276, heavy).paper(), flops, 1e-3);
      // ... and the official figure is the same model at an integer heavy count that differs
      // from ours by near-tie pixels only (float noise between libtorch builds)
      double perFlip = cost.heavyPerHrPixel().paper() - cost.lightPerHrPixel().paper();
      double officialHeavy = (x.get("flops").asDouble() - cost.image(420 * 276, 0).paper()) / perFlip;
      assertEquals(Math.rint(officialHeavy), officialHeavy, 1e-6, "official FLOPs off the FLOP model");
      long flips = Math.abs(Math.round(officialHeavy) - heavy);
      System.out.printf("  heavy pixels %d, official %d: %d near-tie flips%n", heavy,
          Math.round(officialHeavy), flips);
      Assertions.assertTrue(flips <= 1680 * 1104 / 100_000, flips + " pixels routed differently");
    }

    // the summary: one line per setting, shares against all-heavy and the original
    Map<String, Row> summary = new HashMap<>();
    outcome.summary().forEach(r -> summary.put(r.getAs("setting"), r));
    assertEquals(1.0, summary.get("all-heavy").<Double>getAs("share_of_all_heavy"), 1e-12);
    assertEquals(1.0, summary.get("original").<Double>getAs("share_of_original"), 1e-12);
    assertEquals(74.0334, summary.get("adaptive").<Double>getAs("gflops"), 0.01);
    Path reports = tmp.resolve("out/_eval/_reports/full");
    List<String> csv = Files.readAllLines(reports.resolve("summary.csv"));
    assertEquals(String.join(",", EvalSummary.COLUMNS), csv.get(0));
    assertEquals(5, csv.size(), String.join("\n", csv));
    BufferedImage chart = ImageIO.read(reports.resolve("psnr-gflops-carn-pcsr-x4.png").toFile());
    assertNotNull(chart, "the PSNR-GFLOPs chart decodes");
    assertEquals(900, chart.getWidth());
  }

  @Test
  void failedImagesGetRowsAndARerunReplacesItsOwnPartitionOnly() throws Exception {
    Path ref = reference();
    Path in = tmp.resolve("hr");
    Files.createDirectories(in);
    FloatImage hr = ImageCodec.read(ref.resolve("images/test2k-1232-hr.png"));
    ImageCodec.write(hr.crop(300, 500, 98, 130), in.resolve("crop.png")); // cropped to 96x128
    Files.writeString(in.resolve("broken.png"), "not an image");
    String model = ref.resolve("checkpoints/fsrcnn-pcsr-x4.pth").toString();
    Path out = tmp.resolve("out");
    for (String[] run : new String[][] {{"a", "1"}, {"b", "0,1"}, {"b", "0,1"}}) {
      EvalCommand cmd = CommandLine.populateCommand(new EvalCommand(), "--hr", in.toString(),
          "--output", out.toString(), "--model", model, "--k", run[1], "--no-refine",
          "--no-ssim", "--run-id", run[0]);
      EvalJob.Outcome o = new EvalJob(spark(), cmd.config(k -> null)).run();
      assertEquals(1, o.failedRows(), "the broken file's row");
    }
    List<Row> rows = spark().read().parquet(out.resolve("_eval").toString())
        .orderBy("run_id", "image_id", "setting").collectAsList();
    // a: crop x {k=1, all-heavy} + broken; b (twice, replaced): crop x {k=0, k=1, all-heavy} + broken
    assertEquals(3 + 4, rows.size());
    Row failed = rows.stream().filter(r -> "failed".equals(r.getAs("status"))).findFirst().get();
    assertEquals("broken.png", failed.getAs("image_id"));
    assertNotNull(failed.getAs("error_message"));
    Row ok = rows.stream().filter(r -> "crop.png".equals(r.getAs("image_id"))).findFirst().get();
    assertEquals(128, ok.<Integer>getAs("width_hr"));
    assertEquals(96, ok.<Integer>getAs("height_hr"));
    assertEquals(32, ok.<Integer>getAs("width_lr"));
    assertNull(ok.getAs("ssim"));
    assertEquals(false, ok.getAs("refine"));
    assertEquals("fsrcnn", ok.getAs("backbone"));
  }

  @Test
  void settingsFollowTheOptionsWithoutDuplicates() {
    EvalCommand cmd = CommandLine.populateCommand(new EvalCommand(), "--hr", "x", "--output", "y",
        "--k", "0,1,0,-25", "--heavy-share", "0.25", "--flop-budget", "30", "--adaptive",
        "--original", "o.pth", "--no-refine", "--conf", "spark.pcsr.scale=2");
    EvalJob.Config cfg = cmd.config(k -> null);
    assertEquals(List.of("k=0.0", "k=1.0", "all-heavy", "adaptive", "heavy-share=0.25",
        "flops=30.0", "original"), cfg.settings().stream().map(EvalSetting::name).toList());
    assertEquals(2, cfg.scale());
    Assertions.assertTrue(cfg.settings().stream().noneMatch(EvalSetting::refine));
    assertEquals(PcsrConf.MODEL_DEFAULT, cfg.model());
    Assertions.assertTrue(cfg.runId().startsWith("eval-"));

    EvalJob.Config bare = CommandLine.populateCommand(new EvalCommand(), "--hr", "x", "--output",
        "y", "--no-all-heavy").config(k -> k.equals(PcsrConf.MODEL) ? "m.pth" : null);
    assertEquals(List.of("k=0.0"), bare.settings().stream().map(EvalSetting::name).toList());
    Assertions.assertTrue(bare.settings().get(0).refine());
    assertEquals("m.pth", bare.model());
  }
}
