package io.pcsr.udf.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pcsr.udf.image.FloatImage;
import io.pcsr.udf.model.PcsrModel;
import io.pcsr.udf.routing.RoutingPolicy;
import io.pcsr.udf.testing.Floats;
import io.pcsr.udf.testing.Reference;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The light and heavy upsamplers and the classifier on the JVM's SIMD units give libtorch's
 * probabilities, classes and image. Chunks of 100 LR pixels are not a multiple of the kernel's
 * lane span, so the padded lanes are exercised too. FSRCNN-PCSR's classifier is a single Linear
 * and stays in libtorch. The heavy upsampler runs densely over an all-heavy chunk and on
 * gathered rows in a mixed one; both give a pixel the same value.
 */
class VectorMlpTest {

  @AfterAll
  static void release() {
    ModelCache.clear();
  }

  @Test
  void testRunnerResolvesTheVectorModule() {
    // the build passes --add-modules=jdk.incubator.vector to every test JVM, as the launcher
    // and the cluster scripts do; without it the comparison below would test nothing
    assertTrue(VectorMlpSupport.usable(), VectorMlpSupport.describe());
  }

  @Test
  void propertyFalseSwitchesTheSimdPathOff() {
    String before = System.getProperty(VectorMlpSupport.ENABLED_PROPERTY);
    try {
      System.setProperty(VectorMlpSupport.ENABLED_PROPERTY, "false");
      assertFalse(VectorMlpSupport.usable());
      assertTrue(VectorMlpSupport.describe().contains(VectorMlpSupport.ENABLED_PROPERTY + "=false"));
    } finally {
      if (before == null) {
        System.clearProperty(VectorMlpSupport.ENABLED_PROPERTY);
      } else {
        System.setProperty(VectorMlpSupport.ENABLED_PROPERTY, before);
      }
    }
    assertTrue(VectorMlpSupport.usable());
  }

  @ParameterizedTest(name = "{0} {1} chunk {2}")
  @CsvSource({"carn, k=0, 100", "carn, adaptive, 1024", "fsrcnn, heavy-share=0.3, 100",
      "fsrcnn, k=0, 4096", "carn, k=-25, 100", "fsrcnn, k=-25, 1024"})
  void sameImageAsLibtorch(String backbone, String routing, int chunk) throws IOException {
    FloatImage lr = Reference.lrCrop();
    RoutingPolicy policy = RoutingPolicy.parse(routing);
    PcsrModel model = model(backbone);
    // both backbones in libtorch: this compares the MLP kernels alone (PlanarConvTest
    // compares the backbone's host kernels)
    try (PcsrEngine simd = new PcsrEngine(model, 4, chunk, true, false);
        PcsrEngine torch = new PcsrEngine(model, 4, chunk, false, false)) {
      assertTrue(simd.lightOnHost());
      assertTrue(simd.heavyOnHost());
      assertTrue(simd.classifierOnHost() == backbone.equals("carn"));
      assertFalse(torch.lightOnHost());
      assertFalse(torch.heavyOnHost());
      assertFalse(torch.classifierOnHost());
      SrResult a = new Upscaler(simd).upscale(lr, policy, true);
      SrResult b = new Upscaler(torch).upscale(lr, policy, true);
      double maxP = Floats.maxAbsDiff(a.pHeavy(), b.pHeavy());
      assertTrue(maxP <= 1e-6, "p_heavy max |diff| " + maxP);
      assertArrayEquals(b.heavyShare(), a.heavyShare(), "classes");
      long all = (long) lr.height() * lr.width() * 16;
      if (routing.equals("k=-25")) {
        assertTrue(a.heavyPixels() == all, "every pixel heavy: the dense heavy path");
      } else {
        assertTrue(a.heavyPixels() < all && a.heavyPixels() > 0,
            "light and heavy pixels both, for the comparison to mean anything");
      }
      double max = Floats.maxAbsDiff(a.image().data(), b.image().data());
      assertTrue(max <= 1e-5, "max |diff| " + max);
    }
  }

  @Test
  void heavyPixelsGetTheSameValueInDenseAndGatheredChunks() throws IOException {
    FloatImage lr = Reference.lrCrop();
    PcsrModel model = model("carn");
    // all-heavy: every chunk dense; k=0 with its flags kept: the same heavy pixels, gathered
    try (PcsrEngine simd = new PcsrEngine(model, 4, 100, true, false)) {
      Upscaler up = new Upscaler(simd);
      SrResult dense = up.upscale(lr, RoutingPolicy.parse("k=-25"), false);
      SrResult mixed = up.upscale(lr, RoutingPolicy.parse("k=0"), false);
      float[] d = dense.image().data();
      float[] m = mixed.image().data();
      int plane = d.length / 3;
      int compared = 0;
      for (int i = 0; i < plane; i++) {
        if (mixed.heavyShare()[i] == 1f) {
          for (int c = 0; c < 3; c++) {
            assertTrue(d[c * plane + i] == m[c * plane + i], "pixel " + i + " band " + c + ": "
                + d[c * plane + i] + " dense, " + m[c * plane + i] + " gathered");
          }
          compared++;
        }
      }
      assertTrue(compared > 0 && compared < plane, compared + " heavy pixels of " + plane);
    }
  }

  @Test
  void packedProjectionHoldsTheSameColumnsAsTheChunks() throws IOException {
    io.pcsr.udf.model.PixelMlp heavy = model("carn").heavy();
    VectorMlp mlp = new VectorMlp(heavy, 4);
    int width = heavy.hiddenWidth(0);
    int channels = heavy.featureWeight().length / width;
    int p0 = 37;
    int k = 100;
    int pixels = p0 + k;
    int stride = (pixels + 63) / 64 * 64 + io.pcsr.udf.model.PlanarFeatures.SLACK;
    float[] data = new float[channels * stride];
    java.util.Random random = new java.util.Random(7);
    for (int c = 0; c < channels; c++) {
      for (int p = 0; p < pixels; p++) {
        data[c * stride + p] = (float) random.nextGaussian();
      }
    }
    var features = new io.pcsr.udf.model.PlanarFeatures(data, channels, pixels, stride);
    float[] chunk = mlp.project(features, p0, k);
    int chunkStride = mlp.stride(k);
    // a few pixels, rows grouped by pixel: packed; most of the chunk's pixels: the chunk itself
    long[] sparse = {3, 3, 3, 17, 40, 40, 99};
    long[] dense = java.util.stream.LongStream.range(0, 80).flatMap(p -> java.util.stream
        .LongStream.of(p, p)).toArray();
    VectorMlp.Packed few = mlp.projectRows(features, p0, k, sparse);
    VectorMlp.Packed most = mlp.projectRows(features, p0, k, dense);
    assertTrue(few.stride() < chunkStride, "packed: " + few.stride() + " columns");
    assertArrayEquals(new long[] {0, 0, 0, 1, 2, 2, 3}, few.rows());
    assertTrue(most.rows() == dense && most.stride() == chunkStride, "the chunk's projection");
    for (VectorMlp.Packed packed : new VectorMlp.Packed[] {few, most}) {
      long[] lr = packed == few ? sparse : dense;
      for (int r = 0; r < lr.length; r++) {
        for (int i = 0; i < width; i++) {
          float expected = chunk[i * chunkStride + (int) lr[r]];
          float actual = packed.table()[i * packed.stride() + (int) packed.rows()[r]];
          assertTrue(expected == actual, "row " + r + " feature " + i + ": " + actual
              + " packed, " + expected + " in the chunk");
        }
      }
    }
  }

  @Test
  void gatheredRowsOfEveryLaneGroupKindMatchTheDensePass() throws IOException {
    VectorMlp mlp = new VectorMlp(model("carn").heavy(), 4);
    int k = 64;
    int channels = model("carn").heavy().featureWeight().length
        / model("carn").heavy().hiddenWidth(0);
    int stride = k + io.pcsr.udf.model.PlanarFeatures.SLACK;
    float[] data = new float[channels * stride];
    java.util.Random random = new java.util.Random(11);
    for (int c = 0; c < channels; c++) {
      for (int p = 0; p < k; p++) {
        data[c * stride + p] = (float) random.nextGaussian();
      }
    }
    float[] table = mlp.project(
        new io.pcsr.udf.model.PlanarFeatures(data, channels, k, stride), 0, k);
    // the chunk as one LR row: pixel q's sub-pixel t at HR (t / 4, 4q + t % 4)
    int hrWidth = 4 * k;
    int plane = 4 * hrWidth;
    int[] corner = new int[k];
    for (int q = 0; q < k; q++) {
      corner[q] = 4 * q;
    }
    float[] dense = new float[3 * plane];
    mlp.addTo(table, mlp.stride(k), k, 4, corner, hrWidth, null, dense, plane);
    // rows of each kind of lane group: 16 consecutive pixels at one offset (whole loads),
    // scattered pixels at one offset (gathered features, broadcast bias), one pixel's eight
    // first offsets (a whole group), mixed offsets, and a last span that is not full
    java.util.TreeSet<Long> rows = new java.util.TreeSet<>(); // pixel * 16 + offset
    for (long p = 0; p < 16; p++) {
      rows.add(p * 16 + 5);
    }
    for (long p : new long[] {20, 23, 29, 31, 35, 40, 41, 50, 60}) {
      rows.add(p * 16 + 2);
    }
    for (long t = 0; t < 8; t++) {
      rows.add(45 * 16 + t);
    }
    for (long t : new long[] {1, 7, 9, 15}) {
      rows.add(46 * 16 + t);
    }
    rows.add(63L * 16 + 11);
    long[] lr = rows.stream().mapToLong(r -> r / 16).toArray();
    long[] offset = rows.stream().mapToLong(r -> r % 16).toArray();
    int[] target = new int[lr.length];
    for (int r = 0; r < lr.length; r++) {
      target[r] = corner[(int) lr[r]] + (int) (offset[r] / 4) * hrWidth + (int) (offset[r] % 4);
    }
    float[] gathered = new float[3 * plane];
    mlp.addGathered(table, mlp.stride(k), lr, offset, target, gathered, plane);
    for (int r = 0; r < lr.length; r++) {
      for (int c = 0; c < 3; c++) {
        int at = c * plane + target[r];
        assertTrue(dense[at] == gathered[at], "pixel " + lr[r] + " offset " + offset[r]
            + " band " + c + ": " + gathered[at] + " gathered, " + dense[at] + " dense");
      }
    }
    int touched = 0;
    for (float v : gathered) {
      touched += v != 0f ? 1 : 0;
    }
    assertTrue(touched == 3 * lr.length, touched + " values written for " + lr.length + " rows");
  }

  private static PcsrModel model(String backbone) {
    return ModelCache.engine(
        Reference.dir().resolve("checkpoints/" + backbone + "-pcsr-x4.pth"), 4).model();
  }
}
