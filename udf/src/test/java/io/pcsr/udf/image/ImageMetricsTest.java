package io.pcsr.udf.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pcsr.udf.testing.Reference;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ImageMetricsTest {
  // From a separate numpy implementation on the quantised sr.png/hr.png of
  // cases/test2k1232-carn-k0-refine, shave 4 (PSNR: MSE over RGB; SSIM: explicit 11x11 Gaussian
  // window, 'valid' correlation, mean over channels).
  private static final double NUMPY_PSNR_CARN_K0_REFINE = 29.462632627535115;
  private static final double NUMPY_SSIM_CARN_K0_REFINE = 0.936149903882296;

  @ParameterizedTest
  @ValueSource(strings = {"test2k1232-carn-k0-refine", "test2k1232-fsrcnn-k0-refine",
      "test2k1232-carn-adm", "test2k1232-fsrcnn-k1.5", "test2k1232-carn-patch-k0-refine"})
  void psnrMatchesTheOfficialValue(String name) throws Exception {
    Path dir = Reference.file("cases/" + name);
    JsonNode meta = new ObjectMapper().readTree(dir.resolve("meta.json").toFile());
    double expected = meta.get("psnr_rgb_shave4").asDouble();
    double actual = ImageMetrics.psnr(ImageCodec.read(dir.resolve("sr.png")),
        ImageCodec.read(dir.resolve("hr.png")), meta.get("scale").asInt());
    System.out.printf("PSNR %s: %.6f dB, official %.4f (diff %.2g)%n", name, actual, expected,
        actual - expected);
    // meta.json holds 4 decimals: equal once rounded the same way
    assertEquals(expected, Math.round(actual * 1e4) / 1e4, 1e-9);
  }

  @Test
  void psnrOfAKnownError() {
    FloatImage a = MatlabBicubicTest.filled(3, 10, 10, 100 / 255f);
    FloatImage b = MatlabBicubicTest.filled(3, 10, 10, 100 / 255f);
    // one pixel of one channel off by 10 levels inside the shaved area, one outside
    b.set(1, 5, 5, 110 / 255f);
    b.set(0, 0, 0, 0f);
    double mse = 100.0 / (3 * 8 * 8);
    assertEquals(10 * Math.log10(255 * 255 / mse), ImageMetrics.psnr(a, b, 1), 1e-12);
    assertEquals(Double.POSITIVE_INFINITY, ImageMetrics.psnr(a, a, 0));
  }

  @Test
  void psnrQuantisesFirst() {
    FloatImage a = MatlabBicubicTest.filled(3, 4, 4, 100 / 255f);
    FloatImage b = MatlabBicubicTest.filled(3, 4, 4, 100.4f / 255f);
    b.set(0, 0, 0, 7f); // clamps to 255
    FloatImage c = MatlabBicubicTest.filled(3, 4, 4, 100 / 255f);
    c.set(0, 0, 0, 1f);
    assertEquals(ImageMetrics.psnr(a, c, 0), ImageMetrics.psnr(a, b, 0), 0);
  }

  @Test
  void psnrYUsesBt601Luma() {
    FloatImage a = MatlabBicubicTest.filled(3, 6, 6, 0f);
    FloatImage b = MatlabBicubicTest.filled(3, 6, 6, 0f);
    for (int y = 0; y < 6; y++) {
      for (int x = 0; x < 6; x++) {
        b.set(0, y, x, 1f); // pure red: Y differs by 65.481
      }
    }
    assertEquals(10 * Math.log10(255 * 255 / (65.481 * 65.481)), ImageMetrics.psnrY(a, b, 1),
        1e-9);
  }

  @Test
  void ssimOfIdenticalImagesIsOne() {
    FloatImage a = MatlabBicubicTest.random(3, 40, 50, 1);
    assertEquals(1.0, ImageMetrics.ssim(a, a, 4), 1e-12);
  }

  @Test
  void ssimOfNoisyCopyIsBelowOne() {
    FloatImage a = ImageCodecTest.smoothGradient(40, 50);
    FloatImage noisy = FloatImage.zeros(3, 40, 50);
    Random r = new Random(4);
    for (int i = 0; i < a.data().length; i++) {
      noisy.data()[i] = a.data()[i] + (float) (0.05 * r.nextGaussian());
    }
    double s = ImageMetrics.ssim(a, noisy, 0);
    assertTrue(s < 0.99 && s > 0, "ssim " + s);
    assertEquals(s, ImageMetrics.ssim(noisy, a, 0), 1e-12);
  }

  @Test
  void psnrAndSsimMatchAnIndependentNumpyComputation() throws Exception {
    Path dir = Reference.file("cases/test2k1232-carn-k0-refine");
    FloatImage sr = ImageCodec.read(dir.resolve("sr.png"));
    FloatImage hr = ImageCodec.read(dir.resolve("hr.png"));
    double psnr = ImageMetrics.psnr(sr, hr, 4);
    double ssim = ImageMetrics.ssim(sr, hr, 4);
    System.out.printf("carn-k0-refine: PSNR %.9f dB (numpy diff %.2g), SSIM %.10f%n", psnr,
        psnr - NUMPY_PSNR_CARN_K0_REFINE, ssim);
    assertEquals(NUMPY_PSNR_CARN_K0_REFINE, psnr, 1e-6);
    assertEquals(NUMPY_SSIM_CARN_K0_REFINE, ssim, 1e-9);
  }

  @Test
  void mismatchedShapesAndExcessiveShaveAreRejected() {
    FloatImage a = MatlabBicubicTest.filled(3, 8, 8, 0f);
    assertThrows(IllegalArgumentException.class,
        () -> ImageMetrics.psnr(a, MatlabBicubicTest.filled(3, 8, 9, 0f), 0));
    assertThrows(IllegalArgumentException.class, () -> ImageMetrics.psnr(a, a, 4));
    assertThrows(IllegalArgumentException.class, () -> ImageMetrics.ssim(a, a, 0));
  }
}
