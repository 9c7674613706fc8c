package io.pcsr.udf.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdamTest {

  /** Against torch.optim.Adam's update written out in doubles, on loss = sum(w^2 * c). */
  @Test
  void matchesTheTorchUpdateRule() {
    double b1 = 0.9;
    double b2 = 0.99;
    double eps = 1e-8;
    double lr = 0.1;
    double[] w = {1.0, -2.0, 0.5};
    double[] c = {1.0, 0.5, 3.0};
    double[] m = new double[3];
    double[] v = new double[3];
    try (NDManager root = NDManager.newBaseManager(); Adam adam = new Adam(root, b1, b2, eps)) {
      NDArray p = root.create(new float[] {1f, -2f, 0.5f});
      p.setRequiresGradient(true);
      NDArray cc = root.create(new float[] {1f, 0.5f, 3f});
      for (int t = 1; t <= 5; t++) {
        try (NDManager step = root.newSubManager()) {
          try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray x = p.get(step, new ai.djl.ndarray.index.NDIndex(":"));
            gc.backward(x.square().mul(cc).sum());
          }
          adam.update(Map.of("w", p), lr);
          ai.djl.pytorch.jni.JniUtils.zeroGrad((ai.djl.pytorch.engine.PtNDArray) p);
        }
        for (int i = 0; i < 3; i++) {
          double g = 2 * w[i] * c[i];
          m[i] = b1 * m[i] + (1 - b1) * g;
          v[i] = b2 * v[i] + (1 - b2) * g * g;
          double mh = m[i] / (1 - Math.pow(b1, t));
          double vh = v[i] / (1 - Math.pow(b2, t));
          w[i] -= lr * mh / (Math.sqrt(vh) + eps);
        }
        float[] got = p.toFloatArray();
        for (int i = 0; i < 3; i++) {
          assertEquals(w[i], got[i], 1e-5, "step " + t + " element " + i);
        }
      }
    }
  }

  @Test
  void cosineGoesFromBaseToMin() {
    CosineSchedule s = new CosineSchedule(1e-3, 1e-7, 1000);
    assertEquals(1e-3, s.at(0), 1e-15);
    assertEquals((1e-3 + 1e-7) / 2, s.at(500), 1e-12);
    assertEquals(1e-7, s.at(1000), 1e-15);
  }
}
