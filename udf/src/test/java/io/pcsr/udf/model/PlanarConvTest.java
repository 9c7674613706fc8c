package io.pcsr.udf.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
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
 * CARN-M's convolutions on the JVM's SIMD units ({@link PlanarConv} over {@link ChannelRows})
 * against the same ops in libtorch, and CARN-PCSR's backbone on the host against its libtorch
 * path. Widths below, at and above one and two 16-pixel vectors put the last vector's padding
 * at every boundary; two images in one batch check that no image reads another's rows.
 */
class PlanarConvTest {

  @AfterAll
  static void release() {
    ModelCache.clear();
  }

  @ParameterizedTest(name = "{0}x{1}x{2}, groups {3}, residual {4}, parallel {5}")
  @CsvSource({
      "1, 1, 1, 4, false, false", "1, 3, 15, 4, false, false", "2, 5, 16, 4, false, false",
      "1, 4, 17, 4, false, true", "2, 3, 31, 1, false, false", "1, 2, 32, 4, false, false",
      "1, 7, 33, 1, false, true", "2, 9, 70, 4, false, true"})
  void grouped3x3MatchesLibtorch(int images, int height, int width, int groups,
      boolean relu, boolean parallel) {
    Random rnd = new Random(images * 131L + height * 31L + width * 7L + groups);
    try (NDManager m = NDManager.newBaseManager()) {
      int c = 52;
      NDArray x = m.create(gaussian(rnd, images * height * width * c, 1f),
          new Shape(images, height, width, c));
      float[] w = gaussian(rnd, c * (c / groups) * 9, 0.1f);
      float[] b = gaussian(rnd, c, 0.5f);
      NDArray expected = Nhwc.conv(x, m.create(w, new Shape(c, c / groups, 3, 3)), m.create(b),
          groups);
      expected = Nhwc.relu(expected);
      PlanarConv kernel = new PlanarConv(w, b, c, new int[] {c}, groups, 3, true);
      ChannelRows out = kernel.apply(
          new ChannelRows[] {ChannelRows.fromNhwc(x, new RowsPool())}, null, new RowsPool(),
          parallel);
      assertPaddingZero(out);
      double max = Floats.maxAbsDiff(expected.toFloatArray(), out.toNhwc(m).toFloatArray());
      assertTrue(max <= 2e-5, "max |diff| " + max);
    }
  }

  @ParameterizedTest(name = "{0}x{1}, {2} inputs, residual {3}, parallel {4}")
  @CsvSource({
      "1, 1, 1, true, false", "3, 16, 2, false, false", "2, 33, 4, true, false",
      "5, 40, 3, false, true", "9, 64, 1, true, true"})
  void pointwiseOverStackMatchesLibtorch(int height, int width, int parts, boolean residual,
      boolean parallel) {
    Random rnd = new Random(height * 31L + width * 7L + parts);
    try (NDManager m = NDManager.newBaseManager()) {
      int c = 52;
      Shape shape = new Shape(1, height, width, c);
      NDArray[] inputs = new NDArray[parts];
      ChannelRows[] rows = new ChannelRows[parts];
      int[] channels = new int[parts];
      for (int j = 0; j < parts; j++) {
        inputs[j] = m.create(gaussian(rnd, height * width * c, 1f), shape);
        rows[j] = ChannelRows.fromNhwc(inputs[j], new RowsPool());
        channels[j] = c;
      }
      float[] w = gaussian(rnd, c * parts * c, 0.15f);
      float[] b = gaussian(rnd, c, 0.5f);
      NDArray res = residual ? m.create(gaussian(rnd, height * width * c, 1f), shape) : null;
      NDArray cat = parts == 1 ? inputs[0] : NDArrays.concat(new NDList(inputs), 3);
      NDArray expected = Nhwc.pointwise(cat, m.create(w, new Shape(c, parts * c)),
          m.create(b));
      if (res != null) {
        expected = expected.add(res);
      }
      expected = Nhwc.relu(expected);
      PlanarConv kernel = new PlanarConv(w, b, c, channels, 1, 1, true);
      ChannelRows out = kernel.apply(rows,
          res == null ? null : ChannelRows.fromNhwc(res, new RowsPool()), new RowsPool(), parallel);
      assertPaddingZero(out);
      double max = Floats.maxAbsDiff(expected.toFloatArray(), out.toNhwc(m).toFloatArray());
      assertTrue(max <= 3e-5, "max |diff| " + max);
    }
  }

  @Test
  void entryConvolutionWithoutReluMatchesLibtorch() {
    Random rnd = new Random(3);
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray x = m.create(gaussian(rnd, 2 * 11 * 37 * 3, 1f), new Shape(2, 11, 37, 3));
      float[] w = gaussian(rnd, 52 * 3 * 9, 0.3f);
      float[] b = gaussian(rnd, 52, 0.5f);
      NDArray expected = Nhwc.conv(x, m.create(w, new Shape(52, 3, 3, 3)), m.create(b), 1);
      ChannelRows out = new PlanarConv(w, b, 52, new int[] {3}, 1, 3, false)
          .apply(new ChannelRows[] {ChannelRows.fromNhwc(x, new RowsPool())}, null,
              new RowsPool(), false);
      float[] got = out.toNhwc(m).toFloatArray();
      assertTrue(Floats.maxAbsDiff(expected.toFloatArray(), got) <= 2e-5);
      boolean negative = false;
      for (float v : got) {
        negative |= v < 0;
      }
      assertTrue(negative, "without a ReLU, negative sums must stay negative");
    }
  }

  /**
   * {@link PlanarConv#rowThen} (a 3x3 convolution's row handed a strip at a time to a 1x1 with
   * a residual) must give exactly what the two rows give one after the other: the same sums in
   * the same order, and the padding past the width zero.
   */
  @ParameterizedTest(name = "width {0}")
  @CsvSource({"1", "15", "16", "17", "33", "70"})
  void stripHandOffGivesTheSameRowsAsTwoPasses(int width) {
    Random rnd = new Random(width);
    int c = 52;
    int h = 3;
    PlanarConv grouped = new PlanarConv(gaussian(rnd, c * (c / 4) * 9, 0.1f),
        gaussian(rnd, c, 0.5f), c, new int[] {c}, 4, 3, true);
    PlanarConv pointwise = new PlanarConv(gaussian(rnd, c * c, 0.1f), gaussian(rnd, c, 0.5f),
        c, new int[] {c}, 1, 1, true);
    ChannelRows x = new ChannelRows(1, c, h, width);
    ChannelRows residual = new ChannelRows(1, c, h, width);
    for (int y = 0; y < h; y++) {
      for (int ch = 0; ch < c; ch++) {
        for (int col = 0; col < width; col++) {
          x.data()[x.at(0, ch, y) + col] = (float) rnd.nextGaussian();
          residual.data()[residual.at(0, ch, y) + col] = (float) rnd.nextGaussian();
        }
      }
    }
    ChannelRows between = new ChannelRows(1, c, h, width);
    ChannelRows apart = new ChannelRows(1, c, h, width);
    ChannelRows fused = new ChannelRows(1, c, h, width);
    PlanarConv.Scratch strip = pointwise.stripScratch();
    for (int y = 0; y < h; y++) {
      grouped.row(new ChannelRows[] {x}, null, between, 0, y, grouped.scratch(width));
      pointwise.row(new ChannelRows[] {between}, residual, apart, 0, y,
          pointwise.scratch(width));
      grouped.rowThen(new ChannelRows[] {x}, pointwise, residual, fused, 0, y,
          grouped.scratch(width), strip);
    }
    assertPaddingZero(fused);
    assertTrue(java.util.Arrays.equals(apart.data(), fused.data()),
        "max |diff| " + Floats.maxAbsDiff(apart.data(), fused.data()));
    assertThrows(IllegalArgumentException.class, () -> pointwise.rowThen(
        new ChannelRows[] {x}, grouped, residual, fused, 0, 0, pointwise.scratch(width),
        grouped.stripScratch()));
  }

  /**
   * The residual blocks' bands: every row in exactly one band, bands within a row of each
   * other, about 32 rows, and as many as a whole number per thread wherever the image has the
   * rows (2K: 276 rows in 10 bands for two threads, not 9).
   */
  @Test
  void residualBandsCoverEveryRowOnceAndShareEvenlyOverThreads() {
    assertEquals(10, CarnOnHost.Block.bands(276, 2));
    assertEquals(9, CarnOnHost.Block.bands(276, 1));
    for (int workers = 1; workers <= 4; workers++) {
      for (int h = 1; h <= 3000; h++) {
        int bands = CarnOnHost.Block.bands(h, workers);
        assertTrue(bands >= 1 && bands <= h, h + " rows, " + bands + " bands");
        if (h >= workers) {
          assertEquals(0, bands % workers, h + " rows, " + workers + " threads");
        }
        assertEquals(0, CarnOnHost.Block.bandStart(h, bands, 0));
        assertEquals(h, CarnOnHost.Block.bandStart(h, bands, bands));
        int smallest = Integer.MAX_VALUE;
        int largest = 0;
        for (int b = 0; b < bands; b++) {
          int rows = CarnOnHost.Block.bandStart(h, bands, b + 1)
              - CarnOnHost.Block.bandStart(h, bands, b);
          smallest = Math.min(smallest, rows);
          largest = Math.max(largest, rows);
        }
        assertTrue(smallest >= 1 && largest - smallest <= 1 && largest <= 32,
            h + " rows in bands of " + smallest + "-" + largest);
      }
    }
  }

  @Test
  void refusesShapesOutsideItsBlocks() {
    assertTrue(CarnOnHost.supports(52, 4));
    assertTrue(!CarnOnHost.supports(48, 4) && !CarnOnHost.supports(64, 4)
        && !CarnOnHost.supports(52, 8) && CarnOnHost.supports(52, 2));
    assertThrows(IllegalArgumentException.class,
        () -> new PlanarConv(new float[48 * 48], new float[48], 48, new int[] {48}, 1, 1, true));
    assertThrows(IllegalArgumentException.class,
        () -> new PlanarConv(new float[52 * 52], new float[52], 52, new int[] {52}, 1, 3, true));
  }

  /** The border must stay zero: it is the next 3x3 convolution's padding. */
  private static void assertPaddingZero(ChannelRows rows) {
    float[] d = rows.data();
    int run = rows.runLength();
    for (int n = 0; n < rows.images(); n++) {
      for (int y = -1; y <= rows.height(); y++) {
        for (int c = 0; c < rows.channels(); c++) {
          int at = rows.at(n, c, y);
          boolean border = y < 0 || y == rows.height();
          for (int x = -1; x < run - 1; x++) {
            if (border || x < 0 || x >= rows.width()) {
              assertEquals(0f, d[at + x], "padding at image " + n + ", row " + y
                  + ", channel " + c + ", column " + x);
            }
          }
        }
      }
    }
  }

  @Test
  void carnBackboneOnHostMatchesLibtorch() throws IOException {
    FloatImage lr = Reference.lrCrop();
    var engine = ModelCache.engine(Reference.dir().resolve("checkpoints/carn-pcsr-x4.pth"), 4);
    assertTrue(engine.backboneOnHost(), "the CPU engine runs CARN's backbone on the host");
    Backbone carn = engine.model().backbone();
    assertTrue(carn.hasHostKernels(), "CARN-PCSR has the kernels' blocks of 13 channels");
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
      System.out.printf("CARN features, host backbone vs libtorch: max |diff| %.2e of %.2f%n",
          max, scale);
      // up to 208 products summed in another order, through 46 layers: float rounding
      assertTrue(max <= 1e-5 * scale, "max |diff| " + max + " of features up to " + scale);
      assertTrue(scale > 0.1, "features must not be trivially small");
    }
  }

  @Test
  void batchOfTwoImagesGivesEachImagesOwnFeatures() throws IOException {
    FloatImage lr = Reference.lrCrop();
    Backbone carn = ModelCache.engine(Reference.dir().resolve("checkpoints/carn-pcsr-x4.pth"), 4)
        .model().backbone();
    try (NDManager m = NDManager.newBaseManager()) {
      int h = lr.height();
      int w = lr.width();
      float[] hwc = new float[h * w * 3];
      int plane = h * w;
      for (int i = 0; i < plane; i++) {
        for (int c = 0; c < 3; c++) {
          hwc[i * 3 + c] = lr.data()[c * plane + i] - 0.45f;
        }
      }
      NDArray a = m.create(hwc, new Shape(1, h, w, 3));
      NDArray b = a.flip(1); // another image of the same size: upside down
      NDArray both = NDArrays.concat(new NDList(a, b), 0);
      for (boolean parallel : new boolean[] {false, true}) {
        HostSimd host = new HostSimd(true, parallel);
        float[] batch = carn.features(both, host).toFloatArray();
        float[] first = carn.features(a, host).toFloatArray();
        float[] second = carn.features(b, host).toFloatArray();
        float[] joined = new float[first.length + second.length];
        System.arraycopy(first, 0, joined, 0, first.length);
        System.arraycopy(second, 0, joined, first.length, second.length);
        assertEquals(0.0, Floats.maxAbsDiff(joined, batch),
            "no image of a batch reads another's rows (parallel " + parallel + ")");
      }
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
      assertTrue(host.hostKernels().contains("backbone: JVM SIMD"),
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

  private static float[] gaussian(Random rnd, int n, float sigma) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) rnd.nextGaussian() * sigma;
    }
    return v;
  }
}
