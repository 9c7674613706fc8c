package io.pcsr.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pcsr.udf.image.ImageCodec;
import io.pcsr.udf.image.Quantizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The paper's 32/28 patch protocol through the Spark job reproduces the official patch case. */
class PaperModeJobTest extends SparkTestBase {
  @TempDir Path tmp;

  @Test
  void reproducesTheOfficialPatchCase() throws Exception {
    Path ref = Path.of(System.getProperty("pcsr.reference.dir", "../../shared/reference"));
    assumeTrue(Files.isDirectory(ref), "reference fixtures absent at " + ref + "; skipped");
    Path caseDir = ref.resolve("cases/test2k1232-carn-patch-k0-refine");
    Path in = Files.createDirectories(tmp.resolve("in"));
    Files.copy(caseDir.resolve("lr.png"), in.resolve("lr.png"));
    JobConfig cfg = JobConfig.resolve(in.toString(), tmp.resolve("out").toString(),
        Map.of(PcsrConf.MODEL, ref.resolve("checkpoints/carn-pcsr-x4.pth").toString(),
            PcsrConf.TILE_MODE, "paper", PcsrConf.ROUTING, "k=0", PcsrConf.PARTITIONS, "3",
            PcsrConf.STATS_PIXELS, "none"), k -> null);
    PcsrJob.Outcome o = new PcsrJob(spark(), cfg).run();
    assertEquals(1, o.succeeded(), o.reconciliation());

    int[] ours = Quantizer.quantize(ImageCodec.read(tmp.resolve("out/images/lr.png")));
    int[] official = Quantizer.quantize(ImageCodec.read(caseDir.resolve("sr.png")));
    assertEquals(official.length, ours.length, "output size (the grid's crop)");
    long same = 0;
    int maxOff = 0;
    for (int i = 0; i < ours.length; i++) {
      same += ours[i] == official[i] ? 1 : 0;
      maxOff = Math.max(maxOff, Math.abs(ours[i] - official[i]));
    }
    double agreement = (double) same / ours.length;
    System.out.printf("paper mode via Spark: 8-bit equal %.5f, max off %d%n", agreement, maxOff);
    Assertions.assertTrue(agreement >= 0.999, "8-bit agreement " + agreement);
    Assertions.assertTrue(maxOff <= 2, "max off " + maxOff);
  }
}
