package io.pcsr.udf.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.pcsr.udf.image.FloatImage;
import io.pcsr.udf.infer.ModelCache;
import io.pcsr.udf.testing.Reference;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The features the host MLPs read, channel by channel: the layout of a cropped rectangle, and
 * CARN-PCSR's host backbone handing over the same values as its tensor path.
 */
class PlanarFeaturesTest {

  @AfterAll
  static void release() {
    ModelCache.clear();
  }

  @Test
  void cropOfChannelsLastTensorIsLaidOutChannelByChannel() {
    int h = 9;
    int w = 131; // strips of 64 pixels: two whole ones and a partial one
    int c = 52;
    float[] values = new float[h * w * c];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        for (int ch = 0; ch < c; ch++) {
          values[(y * w + x) * c + ch] = y * 100_000 + x * 100 + ch + 1;
        }
      }
    }
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray features = m.create(values, new Shape(1, h, w, c));
      int y0 = 2;
      int x0 = 3;
      int ch = 5;
      int cw = 70;
      PlanarFeatures p = PlanarFeatures.fromChannelsLast(features, w, y0, x0, ch, cw);
      assertEquals(ch * cw, p.pixels());
      assertEquals(c, p.channels());
      assertTrue(p.stride() >= p.pixels() + PlanarFeatures.SLACK, "stride " + p.stride());
      for (int k = 0; k < c; k++) {
        for (int i = 0; i < p.pixels(); i++) {
          int y = y0 + i / cw;
          int x = x0 + i % cw;
          assertEquals(y * 100_000 + x * 100 + k + 1, p.data()[k * p.stride() + i],
              "channel " + k + ", pixel " + i);
        }
        for (int i = p.pixels(); i < p.stride(); i++) {
          assertEquals(0f, p.data()[k * p.stride() + i], "slack of channel " + k);
        }
      }
    }
  }

  @Test
  void hostBackboneHandsOverItsTensorPathsValues() throws IOException {
    FloatImage lr = Reference.lrCrop();
    Backbone carn = ModelCache.engine(Reference.dir().resolve("checkpoints/carn-pcsr-x4.pth"), 4)
        .model().backbone();
    int h = lr.height();
    int w = lr.width();
    float[] hwc = new float[h * w * 3];
    for (int i = 0; i < h * w; i++) {
      for (int c = 0; c < 3; c++) {
        hwc[i * 3 + c] = lr.data()[c * h * w + i] - 0.45f;
      }
    }
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray x = m.create(hwc, new Shape(1, h, w, 3));
      int y0 = 3;
      int x0 = 5;
      int ch = h - 7;
      int cw = w - 9;
      HostSimd host = new HostSimd(true, false);
      PlanarFeatures planar = carn.planarFeatures(x, host, y0, x0, ch, cw);
      PlanarFeatures viaTensor = PlanarFeatures.fromChannelsLast(carn.features(x, host), w, y0,
          x0, ch, cw);
      assertEquals(0.0, maxAbsDiff(planar, viaTensor), "the same rows, not a tensor of them");
      PlanarFeatures libtorch = carn.planarFeatures(x, HostSimd.OFF, y0, x0, ch, cw);
      double diff = maxAbsDiff(planar, libtorch);
      assertTrue(diff > 0 && diff <= 1e-3, "host backbone against libtorch's: " + diff);
    }
  }

  private static double maxAbsDiff(PlanarFeatures a, PlanarFeatures b) {
    assertEquals(a.stride(), b.stride());
    double max = 0;
    for (int c = 0; c < a.channels(); c++) {
      for (int i = 0; i < a.pixels(); i++) {
        int at = c * a.stride() + i;
        max = Math.max(max, Math.abs(a.data()[at] - b.data()[at]));
      }
    }
    return max;
  }
}
