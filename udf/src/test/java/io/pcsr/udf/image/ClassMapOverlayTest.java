package io.pcsr.udf.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ClassMapOverlayTest {
  private static final float EPS = 1e-6f;

  /** A 2x3 RGB image whose channel c at pixel i holds (c * 6 + i) / 20. */
  private static FloatImage ramp() {
    float[] d = new float[18];
    for (int i = 0; i < d.length; i++) {
      d[i] = i / 20f;
    }
    return new FloatImage(3, 2, 3, d);
  }

  @Test
  void lightPixelsAreTintedGreenAndHeavyPixelsRed() {
    FloatImage sr = ramp();
    float[] share = {0, 1, 0, 1, 1, 0};
    FloatImage o = ClassMapOverlay.render(sr, share);
    assertEquals(3, o.channels());
    assertEquals(2, o.height());
    assertEquals(3, o.width());
    for (int i = 0; i < 6; i++) {
      int y = i / 3;
      int x = i % 3;
      boolean heavy = share[i] == 1;
      float r = 0.65f * sr.get(0, y, x) + 0.35f * (heavy ? 1 : 0);
      float g = 0.65f * sr.get(1, y, x) + 0.35f * (heavy ? 0 : 1);
      float b = 0.65f * sr.get(2, y, x);
      assertEquals(r, o.get(0, y, x), EPS, "red at " + i);
      assertEquals(g, o.get(1, y, x), EPS, "green at " + i);
      assertEquals(b, o.get(2, y, x), EPS, "blue at " + i);
    }
  }

  @Test
  void fractionalSharesMixTheTintsAndOutOfRangeValuesAreClamped() {
    float[] d = new float[3 * 4];
    java.util.Arrays.fill(d, 0.5f);
    d[0] = 1.7f; // red of pixel 0 above 1
    d[4 + 1] = -0.3f; // green of pixel 1 below 0
    FloatImage sr = new FloatImage(3, 2, 2, d);
    FloatImage o = ClassMapOverlay.render(sr, new float[] {0.25f, 0.5f, 2f, Float.NaN});
    assertEquals(0.65f * 1f + 0.35f * 0.25f, o.get(0, 0, 0), EPS);
    assertEquals(0.65f * 0.5f + 0.35f * 0.75f, o.get(1, 0, 0), EPS);
    assertEquals(0f + 0.35f * 0.5f, o.get(1, 0, 1), EPS);
    assertEquals(0.65f * 0.5f + 0.35f, o.get(0, 1, 0), EPS, "share 2 clamped to heavy");
    assertEquals(0.65f * 0.5f + 0.35f, o.get(1, 1, 1), EPS, "NaN share counts as light");
    for (float v : o.data()) {
      assertEquals(true, v >= 0f && v <= 1f, "value " + v + " in [0,1]");
    }
  }

  @Test
  void grayImagesAreSpreadOverRgbAndInputsAreLeftAlone() {
    FloatImage gray = new FloatImage(1, 1, 2, new float[] {0.2f, 0.8f});
    float[] share = {1f, 0f};
    FloatImage o = ClassMapOverlay.render(gray, share);
    assertArrayEquals(new float[] {0.65f * 0.2f + 0.35f, 0.65f * 0.8f, 0.65f * 0.2f,
        0.65f * 0.8f + 0.35f, 0.65f * 0.2f, 0.65f * 0.8f}, o.data(), EPS);
    assertArrayEquals(new float[] {0.2f, 0.8f}, gray.data());
    assertArrayEquals(new float[] {1f, 0f}, share);
  }

  @Test
  void mismatchedSizesAreRefused() {
    FloatImage sr = ramp();
    assertThrows(IllegalArgumentException.class, () -> ClassMapOverlay.render(sr, new float[5]));
    assertThrows(IllegalArgumentException.class, () -> ClassMapOverlay.render(sr, null));
    FloatImage twoChannels = new FloatImage(2, 1, 1, new float[2]);
    assertThrows(IllegalArgumentException.class,
        () -> ClassMapOverlay.render(twoChannels, new float[1]));
  }
}
