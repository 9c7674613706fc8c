package io.pcsr.udf.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The inference-time rewrites of an MLP layer give what the checkpoint's layer gives: the bias
 * folded into the product, and the classifier's logits replaced by their differences.
 */
class PixelMlpFoldingTest {
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

  @Test void sigmoidsOfLogitDifferencesAreTheSoftmaxProbabilities() {
    int in = 4;
    float[] weight = {0.5f, -1.25f, 2f, 0.1f, -0.3f, 0.7f, 1.1f, -2f};
    float[] bias = {0.2f, -0.4f};
    float[] x = {0.9f, -0.6f, 0.33f, 1.7f};
    double l0 = bias[0];
    double l1 = bias[1];
    for (int i = 0; i < in; i++) {
      l0 += weight[i] * x[i];
      l1 += weight[in + i] * x[i];
    }
    double softmaxLight = Math.exp(l0) / (Math.exp(l0) + Math.exp(l1));
    PixelMlp.toDifferences(weight, bias, in);
    double d0 = bias[0];
    double d1 = bias[1];
    for (int i = 0; i < in; i++) {
      d0 += weight[i] * x[i];
      d1 += weight[in + i] * x[i];
    }
    assertEquals(softmaxLight, 1 / (1 + Math.exp(-d0)), 1e-6);
    assertEquals(1 - softmaxLight, 1 / (1 + Math.exp(-d1)), 1e-6);
  }
}
