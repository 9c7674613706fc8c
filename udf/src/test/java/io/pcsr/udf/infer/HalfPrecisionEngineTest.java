package io.pcsr.udf.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pcsr.udf.image.FloatImage;
import io.pcsr.udf.image.ImageCodec;
import io.pcsr.udf.image.ImageMetrics;
import io.pcsr.udf.image.MatlabBicubic;
import io.pcsr.udf.model.Precision;
import io.pcsr.udf.routing.RoutingPolicy;
import io.pcsr.udf.train.BundledModel;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A float16 engine against the float32 engine on a real photo crop (deploy/samples): float16
 * runs on this libtorch's CPU kernels, so its accuracy cost is checked here and not only on a
 * GPU. bfloat16 cannot be tested the same way (DJL 0.36 aborts on it, see PrecisionTest).
 */
class HalfPrecisionEngineTest {
  /** One 8-bit step: float16 must not move any output value by more (no class flips). */
  private static final double MAX_DIFF = 1.0 / 255;
  private static final double MEAN_DIFF = 2e-4;
  /** The target for the PSNR change of half precision. */
  private static final double PSNR_CHANGE_DB = 0.01;

  @AfterAll
  static void release() {
    ModelCache.clear();
  }

  static FloatImage sampleHr() throws Exception {
    Path png = Path.of(System.getProperty("pcsr.project.dir", ".."), "deploy/samples/astronaut.png");
    FloatImage full = ImageCodec.read(png); // 256x256
    return full.crop(32, 32, 192, 192); // face, helmet and flag: edges and flat areas
  }

  @Test
  void float16StaysWithinToleranceOfFloat32() throws Exception {
    FloatImage hr = sampleHr();
    FloatImage lr = MatlabBicubic.downscale(hr, 4);
    PcsrEngine f16 = ModelCache.engine(BundledModel.file(), 4, 1024, 1024, Precision.FLOAT16);
    PcsrEngine f32 = ModelCache.engine(BundledModel.file(), 4, 1024, 1024, Precision.FLOAT32);
    assertEquals(Precision.FLOAT16, f16.model().precision());

    // all heavy: every pixel takes the same path in both, so the values compare directly
    RoutingPolicy allHeavy = new RoutingPolicy.KRule(-25);
    SrResult a = new Upscaler(f16).upscale(lr, allHeavy, false);
    SrResult b = new Upscaler(f32).upscale(lr, allHeavy, false);
    double max = 0;
    double sum = 0;
    float[] x = a.image().data();
    float[] y = b.image().data();
    for (int i = 0; i < x.length; i++) {
      double d = Math.abs(x[i] - y[i]);
      max = Math.max(max, d);
      sum += d;
    }
    double change = ImageMetrics.psnr(a.image(), hr, 4) - ImageMetrics.psnr(b.image(), hr, 4);
    System.out.printf("float16 vs float32, all heavy: max |diff| %.2e, mean %.2e, PSNR change %+.5f dB%n",
        max, sum / x.length, change);
    assertTrue(max > 0, "float16 must actually compute in float16 (identical output means it did not)");
    assertTrue(max <= MAX_DIFF, "max |diff| " + max);
    assertTrue(sum / x.length <= MEAN_DIFF, "mean |diff| " + sum / x.length);
    assertTrue(Math.abs(change) <= PSNR_CHANGE_DB, "PSNR change " + change + " dB");

    // k=0 with refinement: a few near-tie pixels may change class, the PSNR must not move
    RoutingPolicy k0 = new RoutingPolicy.KRule(0);
    SrResult c = new Upscaler(f16).upscale(lr, k0, true);
    SrResult d = new Upscaler(f32).upscale(lr, k0, true);
    long flips = 0;
    for (int i = 0; i < c.heavyShare().length; i++) {
      flips += c.heavyShare()[i] != d.heavyShare()[i] ? 1 : 0;
    }
    double k0Change = ImageMetrics.psnr(c.image(), hr, 4) - ImageMetrics.psnr(d.image(), hr, 4);
    System.out.printf("float16 vs float32, k=0 refine: %d of %d classes flipped, PSNR change %+.5f dB%n",
        flips, c.heavyShare().length, k0Change);
    assertTrue(flips <= c.heavyShare().length / 1000, "class flips " + flips);
    assertTrue(Math.abs(k0Change) <= PSNR_CHANGE_DB, "PSNR change " + k0Change + " dB");
  }
}
