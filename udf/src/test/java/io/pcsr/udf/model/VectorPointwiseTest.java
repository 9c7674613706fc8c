package io.pcsr.udf.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import io.pcsr.udf.image.FloatImage;
import io.pcsr.udf.infer.ModelCache;
import io.pcsr.udf.infer.PcsrEngine;
import io.pcsr.udf.infer.SrResult;
import io.pcsr.udf.infer.Upscaler;
import io.pcsr.udf.routing.RoutingPolicy;
import io.pcsr.udf.testing.Floats;
import io.pcsr.udf.testing.Reference;
import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The fused 1x1 convolution on the JVM's SIMD units against the same ops in libtorch, and
 * CARN-PCSR's backbone with it against the backbone without it. Pixel counts below, at and
 * above the register block and the staging group put the spilling fourth vector and the short
 * last group at every boundary.
 */
class VectorPointwiseTest {

  @AfterAll
  static void release() {
    ModelCache.clear();
  }

  @ParameterizedTest(name = "{0} channels, {1} pixels, {2} blocks, residual {3}, parallel {4}")
  @CsvSource({
      "52, 1, 1, true, false", "52, 4, 1, true, false", "52, 5, 2, false, false",
      "52, 9, 4, false, false", "52, 16, 1, true, false", "52, 17, 3, true, false",
      "52, 37, 3, true, false", "52, 4099, 2, true, true", "52, 8192, 4, false, true",
      "52, 12291, 1, true, true"})
  void matchesLibtorch(int channels, int pixels, int blocks, boolean residual,
      boolean parallel) {
    Random rnd = new Random(channels * 31L + pixels * 7L + blocks);
    try (NDManager m = NDManager.newBaseManager()) {
      Shape shape = new Shape(1, 1, pixels, channels);
      NDArray[] inputs = new NDArray[blocks];
      float[][] weights = new float[blocks][];
      NDArray[] weightArrays = new NDArray[blocks];
      for (int j = 0; j < blocks; j++) {
        inputs[j] = m.create(gaussian(rnd, pixels * channels, 1f), shape);
        weights[j] = gaussian(rnd, channels * channels, 0.15f);
        weightArrays[j] = m.create(weights[j], new Shape(channels, channels));
      }
      float[] bias = gaussian(rnd, channels, 0.5f);
      NDArray biasArray = m.create(bias);
      NDArray res = residual ? m.create(gaussian(rnd, pixels * channels, 1f), shape) : null;
      // the residual tail ReLUs its first input (in place); the cascade steps do not
      boolean reluFirst = residual;
      float[] firstBefore = inputs[0].toFloatArray();

      NDArray expected = libtorch(inputs, weightArrays, biasArray, res, reluFirst);
      VectorPointwise kernel = new VectorPointwise(weights, bias, channels);
      NDArray actual = kernel.apply(inputs, reluFirst, res, parallel);

      assertEquals(shape, actual.getShape());
      double max = Floats.maxAbsDiff(expected.toFloatArray(), actual.toFloatArray());
      assertTrue(max <= 2e-5, "max |diff| " + max);
      float[] firstAfter = inputs[0].toFloatArray();
      for (int i = 0; i < firstBefore.length; i++) {
        float want = reluFirst ? Math.max(firstBefore[i], 0f) : firstBefore[i];
        assertEquals(want, firstAfter[i], 0f, "first input at " + i
            + (reluFirst ? " must be ReLU'd in place" : " must be left as it was"));
      }
    }
  }

  @Test
  void refusesOtherChannelCounts() {
    assertTrue(VectorPointwise.supports(52));
    assertTrue(!VectorPointwise.supports(48) && !VectorPointwise.supports(64));
    assertThrows(IllegalArgumentException.class,
        () -> new VectorPointwise(new float[][] {new float[48 * 48]}, new float[48], 48));
  }

  @Test
  void carnBackboneOnHostMatchesLibtorch() throws IOException {
    FloatImage lr = Reference.lrCrop();
    var engine = ModelCache.engine(Reference.dir().resolve("checkpoints/carn-pcsr-x4.pth"), 4);
    assertTrue(engine.backboneOnHost(), "the CPU engine runs CARN's 1x1 convolutions on the host");
    Backbone carn = engine.model().backbone();
    assertTrue(carn.hasHostKernels(), "CARN-PCSR has the kernel's 52 channels");
    try (NDManager m = NDManager.newBaseManager()) {
      float[] hwc = new float[lr.height() * lr.width() * 3];
      int plane = lr.height() * lr.width();
      for (int i = 0; i < plane; i++) {
        for (int c = 0; c < 3; c++) {
          hwc[i * 3 + c] = lr.data()[c * plane + i] - 0.45f;
        }
      }
      NDArray x = m.create(hwc, new Shape(1, lr.height(), lr.width(), 3));
      float[] torch = carn.features(x).toFloatArray();
      float[] host = carn.features(x, new HostSimd(true, false)).toFloatArray();
      float[] split = carn.features(x, new HostSimd(true, true)).toFloatArray();
      assertEquals(0.0, Floats.maxAbsDiff(host, split),
          "split over the pool or not, each pixel's sums run in the same order");
      double scale = 0;
      for (float v : torch) {
        scale = Math.max(scale, Math.abs(v));
      }
      double max = Floats.maxAbsDiff(torch, host);
      System.out.printf("CARN features, host 1x1 convolutions vs libtorch: max |diff| %.2e of %.2f%n",
          max, scale);
      // 45 products summed in another order, through 19 layers: float rounding, not more
      assertTrue(max <= 1e-5 * scale, "max |diff| " + max + " of features up to " + scale);
      assertTrue(scale > 0.1, "features must not be trivially small");
    }
  }

  @Test
  void engineGivesTheSameImageWhateverTheTorchThreadCount() throws IOException {
    FloatImage lr = Reference.lrCrop();
    PcsrModel model = ModelCache.engine(
        Reference.dir().resolve("checkpoints/carn-pcsr-x4.pth"), 4).model();
    int before = JniUtils.getNumThreads();
    try (PcsrEngine host = new PcsrEngine(model, 4, 1024, true);
        PcsrEngine torch = new PcsrEngine(model, 4, 1024, false)) {
      assertTrue(host.hostKernels().contains("backbone 1x1 convolutions: JVM SIMD"),
          host.hostKernels());
      // a Spark task slot's setting, then a local run's (the host kernels split over the pool)
      JniUtils.setNumThreads(1);
      SrResult one = new Upscaler(host).upscale(lr, new RoutingPolicy.KRule(0), true);
      JniUtils.setNumThreads(2);
      SrResult two = new Upscaler(host).upscale(lr, new RoutingPolicy.KRule(0), true);
      SrResult b = new Upscaler(torch).upscale(lr, new RoutingPolicy.KRule(0), true);
      assertEquals(0.0, Floats.maxAbsDiff(one.image().data(), two.image().data()),
          "one torch thread or two: the same image");
      double image = Floats.maxAbsDiff(one.image().data(), b.image().data());
      double p = Floats.maxAbsDiff(one.pHeavy(), b.pHeavy());
      System.out.printf("engine, host backbone vs libtorch: image max |diff| %.2e, p_heavy %.2e%n",
          image, p);
      assertTrue(image > 0, "the two engines must have run different backbone code");
      assertTrue(image <= 1e-4 && p <= 1e-3, "image " + image + ", p_heavy " + p);
    } finally {
      JniUtils.setNumThreads(before);
    }
  }

  private static NDArray libtorch(NDArray[] inputs, NDArray[] weights, NDArray bias,
      NDArray residual, boolean reluFirst) {
    NDArray first = reluFirst ? Nhwc.relu(inputs[0]) : inputs[0];
    NDArray sum = Nhwc.pointwise(first, weights[0], bias);
    for (int j = 1; j < inputs.length; j++) {
      sum = sum.add(Nhwc.pointwise(inputs[j], weights[j], null));
    }
    if (residual != null) {
      sum = sum.add(residual);
    }
    return Nhwc.relu(sum);
  }

  private static float[] gaussian(Random rnd, int n, float sigma) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) rnd.nextGaussian() * sigma;
    }
    return v;
  }
}
