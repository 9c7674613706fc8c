package io.pcsr.udf.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.pcsr.udf.image.FloatImage;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The separable residual gives exactly the floats of the direct four-tap formula. */
class BilinearResidualTest {
  @Test void separableEqualsDirectFourTapBilinearOnARegion() {
    Random r = new Random(5);
    int h = 13;
    int w = 17;
    float[] data = new float[3 * h * w];
    for (int i = 0; i < data.length; i++) {
      data[i] = r.nextFloat();
    }
    FloatImage lr = new FloatImage(3, h, w, data);
    int s = 4;
    LrRegion region = new LrRegion(2, 3, 9, 11); // touches the bottom edge, not the others
    float[] got = BilinearResidual.compute(lr, region, s);
    int hrH = region.height() * s;
    int hrW = region.width() * s;
    float[] expected = new float[3 * hrH * hrW];
    for (int c = 0; c < 3; c++) {
      for (int j = 0; j < hrH; j++) {
        double sy = clamp((region.y0() * s + j + 0.5) / s - 0.5, h - 1);
        int ya = (int) Math.floor(sy);
        int yb = Math.min(ya + 1, h - 1);
        float b = (float) (sy - ya);
        for (int i = 0; i < hrW; i++) {
          double sx = clamp((region.x0() * s + i + 0.5) / s - 0.5, w - 1);
          int xa = (int) Math.floor(sx);
          int xb = Math.min(xa + 1, w - 1);
          float d = (float) (sx - xa);
          float top = (1f - d) * data[(c * h + ya) * w + xa] + d * data[(c * h + ya) * w + xb];
          float bottom = (1f - d) * data[(c * h + yb) * w + xa] + d * data[(c * h + yb) * w + xb];
          expected[(c * hrH + j) * hrW + i] = (1f - b) * top + b * bottom;
        }
      }
    }
    assertArrayEquals(expected, got);
  }

  /** The GPU engine's parallel rows compute the same floats as the sequential loop. */
  @Test void parallelRowsEqualSequentialOnes() {
    Random random = new Random(7);
    float[] data = new float[3 * 61 * 83];
    for (int i = 0; i < data.length; i++) {
      data[i] = random.nextFloat();
    }
    FloatImage lr = new FloatImage(3, 61, 83, data);
    LrRegion region = new LrRegion(5, 9, 50, 70);
    assertArrayEquals(BilinearResidual.compute(lr, region, 4, false),
        BilinearResidual.compute(lr, region, 4, true));
  }

  private static double clamp(double v, int max) {
    return Math.max(0, Math.min(max, v));
  }
}
