package io.pcsr.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pcsr.udf.image.FloatImage;
import io.pcsr.udf.image.ImageCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad and odd inputs never kill the job and are never lost; hostile models are refused. */
class RobustnessTest extends SparkTestBase {
  @TempDir static Path tmp;
  static Path model;

  @BeforeAll
  static void model() {
    Path ref = Path.of(System.getProperty("pcsr.reference.dir", "../../shared/reference"));
    assumeTrue(Files.isDirectory(ref), "reference fixtures absent at " + ref + "; skipped");
    model = ref.resolve("checkpoints/fsrcnn-pcsr-x4.pth");
  }

  @Test
  void everyBadInputGivesAnOutputOrAnErrorRowAndTheJobCompletes() throws Exception {
    Path in = Files.createDirectories(tmp.resolve("bad-in"));
    Map<String, String> expected = BadInputs.write(in);
    Path out = tmp.resolve("bad-out");
    JobConfig cfg = JobConfig.resolve(in.toString(), out.toString(), Map.of(PcsrConf.MODEL,
        model.toString(), PcsrConf.MAX_PIXELS, "40000", PcsrConf.ROUTING, "adaptive",
        PcsrConf.RUN_ID, "bad"), k -> null);
    PcsrJob.Outcome o = new PcsrJob(spark(), cfg)
        .afterListing(list -> list.stream().filter(i -> i.relPath().equals("vanishing.png"))
            .forEach(i -> Path.of(java.net.URI.create(i.source())).toFile().delete()))
        .run();

    Map<String, String> got = new TreeMap<>();
    Map<String, String> messages = new HashMap<>();
    for (Row r : spark().read().parquet(out.resolve("_stats/errors").toString()).collectAsList()) {
      String name = Path.of(java.net.URI.create(r.getAs("source"))).getFileName().toString();
      got.put(name, r.getAs("stage"));
      messages.put(name, r.getAs("message"));
    }
    for (Row r : o.images()) {
      if ("ok".equals(r.getAs("status"))) {
        got.put(r.getAs("image_id"), "ok");
      }
    }
    System.out.println("bad-input outcomes (" + o.reconciliation() + "):");
    got.forEach((k, v) -> System.out.printf("  %-24s %-7s %s%n", k, v,
        messages.getOrDefault(k, "")));
    assertEquals(new TreeMap<>(expected), got);
    assertEquals(o.listed(), o.succeeded() + o.failed() + o.skipped(), o.reconciliation());
    Assertions.assertTrue(messages.get("bomb.png").contains("100000"), messages.get("bomb.png"));
    Assertions.assertTrue(messages.get("text.png").contains("text.png"), messages.get("text.png"));

    // outputs are complete images of 4x the input size, in the input's format
    FloatImage tiny = ImageCodec.read(out.resolve("images/one-pixel.png"));
    assertEquals(4, tiny.width());
    FloatImage multi = ImageCodec.read(out.resolve("images/multi-page.tif"));
    assertEquals(160, multi.width()); // first page
    Row run = spark().read().parquet(out.resolve("_stats/runs").toString()).first();
    assertEquals(o.listed(), run.<Integer>getAs("listed"));
    assertEquals("ok", run.getAs("status"));

    VerifyCommand.Report v = VerifyCommand.verify(spark(), in.toString(), out.toString());
    // vanishing.png is gone from the input, so verify lists one image fewer
    assertEquals(List.of(), v.missing());
    assertEquals(expected.size() - 1, v.listed());
  }

  @Test
  void aModelThatDoesNotMatchItsArchitectureStopsTheRunWithAReason() throws Exception {
    Path in = Files.createDirectories(tmp.resolve("one"));
    Files.write(in.resolve("a.png"), BadInputs.encode(BadInputs.pattern(20, 20), "png"));
    Path wrong = tmp.resolve("wrong.pth");
    // a CARN-PCSR checkpoint file renamed: loads, but with the FSRCNN args swapped in it would
    // not match; here: the truncated reference file, a checkpoint that cannot be read at all
    Path ref = model.getParent().getParent();
    Files.copy(ref.resolve("security/truncated.pth"), wrong);
    Path out = tmp.resolve("wrong-out");
    JobConfig cfg = JobConfig.resolve(in.toString(), out.toString(),
        Map.of(PcsrConf.MODEL, wrong.toString(), PcsrConf.RUN_ID, "wrong"), k -> null);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new PcsrJob(spark(), cfg).run());
    Assertions.assertTrue(e.getMessage().contains("wrong.pth"), e.getMessage());
    Row err = spark().read().parquet(out.resolve("_stats/errors").toString()).first();
    assertEquals("model", err.getAs("stage"));
  }

  @Test
  void aTaskFailingOnItsFirstAttemptChangesNothing() throws Exception {
    Path in = Files.createDirectories(tmp.resolve("retry-in"));
    for (int i = 0; i < 3; i++) {
      Files.write(in.resolve("p" + i + ".png"), BadInputs.encode(BadInputs.pattern(60 + i, 50), "png"));
    }
    Map<String, String> base = Map.of(PcsrConf.MODEL, model.toString(), PcsrConf.TILE_SIZE, "24",
        PcsrConf.PARTITIONS, "3");
    Path clean = tmp.resolve("retry-clean");
    new PcsrJob(spark(), JobConfig.resolve(in.toString(), clean.toString(), base, k -> null)).run();

    Map<String, String> faulty = new HashMap<>(base);
    faulty.put(PcsrConf.FAIL_FIRST_ATTEMPT, "true");
    Path out = tmp.resolve("retry-faulty");
    // the shared session runs local[2,2]: each task gets a second attempt
    PcsrJob.Outcome o = new PcsrJob(spark(),
        JobConfig.resolve(in.toString(), out.toString(), faulty, k -> null)).run();
    assertEquals(3, o.succeeded());
    for (int i = 0; i < 3; i++) {
      assertArrayEquals(Files.readAllBytes(clean.resolve("images/p" + i + ".png")),
          Files.readAllBytes(out.resolve("images/p" + i + ".png")), "p" + i);
    }
  }

  @Test
  void aWriteKilledHalfwayLeavesNoFinalFileAndTheNextRunCompletesIt() throws Exception {
    Path in = Files.createDirectories(tmp.resolve("kill-in"));
    Files.write(in.resolve("k.png"), BadInputs.encode(BadInputs.pattern(30, 30), "png"));
    Path out = tmp.resolve("kill-out");
    // what a kill during the write leaves: a temporary file, no final file, no images row
    Path images = Files.createDirectories(out.resolve("images"));
    Files.write(images.resolve("._k.png.dead-run.tmp"), new byte[] {1, 2, 3});
    PcsrJob.Outcome o = new PcsrJob(spark(), JobConfig.resolve(in.toString(), out.toString(),
        Map.of(PcsrConf.MODEL, model.toString()), k -> null)).run();
    assertEquals(1, o.succeeded());
    assertEquals(120, ImageCodec.read(images.resolve("k.png")).width());
  }
}
