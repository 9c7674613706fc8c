package io.pcsr.udf.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pcsr.udf.image.FloatImage;
import io.pcsr.udf.image.ImageMetrics;
import io.pcsr.udf.image.Quantizer;
import io.pcsr.udf.testing.Reference;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every case of ../shared/reference/cases, made by the official PCSR code with its released
 * checkpoints, reproduced within the tolerances of the reference README.
 */
class ReferenceCasesTest {

  static Stream<Path> cases() throws IOException {
    Path dir = Reference.file("cases");
    return Files.list(dir).filter(Files::isDirectory).sorted();
  }

  @AfterAll
  static void release() {
    ModelCache.clear();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void matchesOfficialOutput(Path caseDir) throws IOException {
    ReferenceCase rc = ReferenceCase.load(caseDir);
    Upscaler up = new Upscaler(ModelCache.engine(rc.checkpoint(Reference.dir()), rc.scale()));
    SrResult result = rc.patchMode()
        ? up.upscalePatches(rc.lr(), rc.policy(), rc.refine())
        : up.upscale(rc.lr(), rc.policy(), rc.refine());
    FloatImage sr = result.image();
    float[] expectedSr = rc.expected().get("sr").toFloats(); // H x W x 3
    float[] expectedFlag = rc.expected().get("flag").toFloats(); // H x W
    int h = sr.height();
    int w = sr.width();
    assertEquals(expectedFlag.length, h * w, "output size");

    long sameClass = 0;
    long disagreeing = 0;
    double sumDiff = 0;
    double maxDiff = 0;
    long compared = 0;
    long sameByte = 0;
    int maxByteDiff = 0;
    int[] expectedBytes = Quantizer.quantize(rc.srPng());
    int[] ours = Quantizer.quantize(sr);
    int plane = h * w;
    for (int i = 0; i < plane; i++) {
      boolean agree = Math.abs(result.heavyShare()[i] - expectedFlag[i]) < 1e-6;
      if (agree) {
        sameClass++;
      } else {
        disagreeing++;
        System.out.printf("  class differs at (%d,%d): ours %.3f, official %.3f, p_heavy %.7f%n",
            i / w, i % w, result.heavyShare()[i], expectedFlag[i], result.pHeavy()[i]);
      }
      for (int c = 0; c < 3; c++) {
        float ourValue = sr.data()[c * plane + i];
        float diff = Math.abs(ourValue - expectedSr[i * 3 + c]);
        int byteDiff = Math.abs(ours[c * plane + i] - expectedBytes[c * plane + i]);
        if (byteDiff == 0) {
          sameByte++;
        }
        if (agree) {
          sumDiff += diff;
          maxDiff = Math.max(maxDiff, diff);
          compared++;
          maxByteDiff = Math.max(maxByteDiff, byteDiff);
        }
      }
    }
    double classAgreement = (double) sameClass / plane;
    double meanDiff = sumDiff / compared;
    double byteAgreement = (double) sameByte / (3.0 * plane);
    double psnr = ImageMetrics.psnr(sr, rc.hr(), rc.scale());
    double expectedPsnr = rc.meta().get("psnr_rgb_shave4").asDouble();
    System.out.printf("%s: class agreement %.5f, sr mean|diff| %.2e max|diff| %.2e, 8-bit equal %.5f "
            + "(max off %d), PSNR %.4f vs %.4f, heavy %d, FLOPs %.0f vs %d, %.2f s%n",
        rc.name(), classAgreement, meanDiff, maxDiff, byteAgreement, maxByteDiff, psnr,
        expectedPsnr, result.heavyPixels(), result.flops().paper(),
        rc.meta().get("flops_paper_convention").asLong(), result.nanos() / 1e9);

    assertTrue(classAgreement >= 0.999, "class agreement " + classAgreement);
    assertTrue(meanDiff <= 1e-5, "mean |diff| " + meanDiff);
    assertTrue(maxDiff <= 1e-3, "max |diff| " + maxDiff);
    assertTrue(byteAgreement >= 0.999, "8-bit agreement " + byteAgreement);
    assertTrue(maxByteDiff <= 1, "8-bit off by " + maxByteDiff + " where the class agrees");
    assertEquals(expectedPsnr, psnr, 0.005, "PSNR");
    // the FLOP model, exactly, on the official class counts
    long officialFlops = rc.meta().get("flops_paper_convention").asLong();
    assertEquals(officialFlops, Math.round(officialFlops(rc, up, expectedFlag)), "FLOP model");
    // ours differ only by the near-tie decisions counted above (a pixel is in <= 4 patches)
    double perFlip = up.cost().heavyPerHrPixel().paper() - up.cost().lightPerHrPixel().paper();
    assertTrue(Math.abs(result.flops().paper() - officialFlops) <= disagreeing * 4 * perFlip,
        "FLOPs " + result.flops().paper() + " vs " + officialFlops + " with " + disagreeing
            + " differing pixels");
    if (rc.meta().has("heavy_pixels") && !rc.patchMode()) {
      assertTrue(Math.abs(rc.meta().get("heavy_pixels").asLong() - result.heavyPixels()) <= disagreeing,
          "heavy pixels");
    }
  }

  /** FLOPs the official counter gives for the official class map (patch overlaps counted per patch). */
  private static double officialFlops(ReferenceCase rc, Upscaler up, float[] flag) {
    int s = rc.scale();
    int hrH = rc.expected().get("flag").shape()[0] > 0 ? (int) rc.expected().get("flag").shape()[0] : 0;
    int hrW = (int) rc.expected().get("flag").shape()[1];
    if (!rc.patchMode()) {
      long heavy = 0;
      for (float f : flag) {
        heavy += Math.round(f);
      }
      return up.cost().image((long) (hrH / s) * (hrW / s), heavy).paper();
    }
    int[] mult = new int[hrH * hrW];
    int patches = 0;
    int ph = io.pcsr.udf.tiling.TileGrid.PAPER_PATCH * s;
    for (int y = 0; y + io.pcsr.udf.tiling.TileGrid.PAPER_PATCH <= hrH / s; y += io.pcsr.udf.tiling.TileGrid.PAPER_STEP) {
      for (int x = 0; x + io.pcsr.udf.tiling.TileGrid.PAPER_PATCH <= hrW / s; x += io.pcsr.udf.tiling.TileGrid.PAPER_STEP) {
        patches++;
        for (int j = 0; j < ph; j++) {
          for (int i = 0; i < ph; i++) {
            mult[(y * s + j) * hrW + x * s + i]++;
          }
        }
      }
    }
    double heavy = 0;
    for (int i = 0; i < flag.length; i++) {
      heavy += flag[i] * mult[i];
    }
    long lrPerPatch = (long) io.pcsr.udf.tiling.TileGrid.PAPER_PATCH * io.pcsr.udf.tiling.TileGrid.PAPER_PATCH;
    return up.cost().image(lrPerPatch * patches, Math.round(heavy)).paper();
  }
}
