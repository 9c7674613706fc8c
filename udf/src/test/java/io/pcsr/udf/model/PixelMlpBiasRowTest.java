package io.pcsr.udf.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The bias folded into the matrix product gives the same layer as weight . x + bias. */
class PixelMlpBiasRowTest {
  @Test void productWithConstantColumnEqualsLinearLayerAndPassesTheOneOn() {
    Random r = new Random(7);
    int in = 5;
    int out = 3;
    float[] weight = new float[out * in];
    float[] bias = new float[out];
    for (int i = 0; i < weight.length; i++) {
      weight[i] = (float) r.nextGaussian();
    }
    for (int i = 0; i < out; i++) {
      bias[i] = (float) r.nextGaussian();
    }
    float[] x = new float[in + 1];
    for (int i = 0; i < in; i++) {
      x[i] = (float) r.nextGaussian();
    }
    x[in] = 1f;
    for (boolean keepOne : new boolean[] {false, true}) {
      float[] m = PixelMlp.withBiasRow(weight, bias, in, out, keepOne);
      int cols = out + (keepOne ? 1 : 0);
      assertEquals((in + 1) * cols, m.length);
      for (int o = 0; o < cols; o++) {
        double viaProduct = 0;
        for (int i = 0; i <= in; i++) {
          viaProduct += x[i] * m[i * cols + o];
        }
        double expected = 1.0; // the carried constant column
        if (o < out) {
          expected = bias[o];
          for (int i = 0; i < in; i++) {
            expected += weight[o * in + i] * x[i];
          }
        }
        assertEquals(expected, viaProduct, 1e-5, "output " + o + ", keepOne " + keepOne);
      }
    }
  }
}
