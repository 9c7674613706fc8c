package io.pcsr.udf.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import io.pcsr.udf.checkpoint.SafetensorsFormat;
import io.pcsr.udf.image.FloatImage;
import io.pcsr.udf.image.MatlabBicubic;
import io.pcsr.udf.infer.ModelCache;
import io.pcsr.udf.infer.SrResult;
import io.pcsr.udf.infer.Upscaler;
import io.pcsr.udf.routing.RoutingPolicy;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The training network and the inference engine compute the same function from the same
 * checkpoint: heavy path (k = -25), light path (k = +25) and the classifier's p_heavy, per HR
 * pixel. This pins the layout of everything the trainer learns (keys, offsets, cell, residual,
 * CARN mean and BatchNorm in eval mode).
 */
class InferenceEquivalenceTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(strings = {"fsrcnn", "carn"})
  void trainingForwardEqualsTheInferenceEngine(String backbone) throws Exception {
    Architecture arch = Architecture.official(backbone);
    FloatImage hr = Synthetic.image(48, 40, 11);
    FloatImage lr = MatlabBicubic.downscale(hr, 4);
    int h = lr.height();
    int w = lr.width();
    Path file = tmp.resolve(backbone + "-eq.safetensors");
    float[] heavy;
    float[] light;
    float[] pHeavy;
    try (NDManager root = NDManager.newBaseManager();
        PcsrTrainNet net0 = new PcsrTrainNet(arch, 0, root, 1);
        Adam adam0 = new Adam(root, 0.9, 0.99, 1e-8);
        PcsrTrainNet net = new PcsrTrainNet(arch, 1, root, 2)) {
      // one training step so that CARN's running statistics are not the identity
      Batch b = TrainStepTest.batch(TrainStepTest.options(0, backbone, 2, 8, 64), net0.rgbMean());
      Trainer.step(net0, adam0, b, 1e-3, root);
      net.loadPhase0(net0.checkpoint(1), "phase0");
      SafetensorsFormat.write(net.checkpoint(1), file);
      JniUtils.setGradMode(false);
      float[] x = lr.toHwc();
      float[] mean = net.rgbMean();
      for (int i = 0; i < x.length; i++) {
        x[i] -= mean[i % 3];
      }
      NDArray feats = net.features(root.create(x, new Shape(1, h, w, 3)), false);
      Queries q = Queries.dense(1, h, w, 4);
      heavy = net.heavy(feats, q, root).toFloatArray();
      light = net.light(feats, q, root).toFloatArray();
      pHeavy = net.probabilities(feats, q, root).toFloatArray();
    }
    float[] base = Bilinear.upscale(lr, 4).data();
    Upscaler up = new Upscaler(ModelCache.engine(file, 4));
    compare(up.upscale(lr, new RoutingPolicy.KRule(-25), false), heavy, base, 1.0);
    SrResult allLight = up.upscale(lr, new RoutingPolicy.KRule(25), false);
    compare(allLight, light, base, 0.0);
    float[] p = allLight.pHeavy();
    for (int i = 0; i < p.length; i++) {
      assertEquals(pHeavy[2 * i + 1], p[i], 1e-5, "p_heavy at " + i);
    }
  }

  private static void compare(SrResult r, float[] residualRows, float[] base, double share) {
    assertEquals(share, r.heavyFraction(), 0.0);
    float[] img = r.image().data();
    int plane = img.length / 3;
    double maxDiff = 0;
    for (int p = 0; p < plane; p++) {
      for (int c = 0; c < 3; c++) {
        double want = base[c * plane + p] + residualRows[p * 3 + c];
        maxDiff = Math.max(maxDiff, Math.abs(want - img[c * plane + p]));
      }
    }
    assertTrue(maxDiff < 1e-4, "max difference " + maxDiff);
  }
}
