package io.pcsr.udf.tiling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class StitcherTest {

  /** Planar tile of the given channels whose value at (c, y, x) is c * 100 + (y0 + y) * 10 + x0 + x. */
  private static float[] tile(int channels, Box b) {
    float[] v = new float[channels * b.height() * b.width()];
    for (int c = 0; c < channels; c++) {
      for (int y = 0; y < b.height(); y++) {
        for (int x = 0; x < b.width(); x++) {
          v[(c * b.height() + y) * b.width() + x] = c * 100 + (b.y() + y) * 10 + b.x() + x;
        }
      }
    }
    return v;
  }

  @Test
  void exactTilesLandInPlace() {
    int h = 5;
    int w = 7;
    Stitcher st = new Stitcher(3, h, w);
    Box[] boxes = {new Box(0, 0, 3, 4), new Box(0, 4, 3, 3), new Box(3, 0, 2, 7)};
    for (Box b : boxes) {
      byte[] flags = new byte[b.height() * b.width()];
      flags[0] = 1; // the tile's top-left pixel is heavy
      st.add(b, tile(3, b), flags);
    }
    assertEquals(0, st.uncovered());
    float[] image = st.image();
    assertArrayEquals(tile(3, new Box(0, 0, h, w)), image);
    float[] share = st.heavyShare();
    for (int i = 0; i < h * w; i++) {
      boolean corner = i == 0 || i == 4 || i == 3 * w;
      assertEquals(corner ? 1f : 0f, share[i], "pixel " + i);
    }
  }

  @Test
  void overlapsAreAveraged() {
    Stitcher st = new Stitcher(2, 2, 3);
    Box left = new Box(0, 0, 2, 2);
    Box right = new Box(0, 1, 2, 2);
    st.add(left, new float[] {1, 1, 1, 1, 10, 10, 10, 10}, new byte[] {1, 1, 1, 1});
    st.add(right, new float[] {3, 3, 3, 3, 30, 30, 30, 30}, new byte[] {0, 0, 0, 0});
    assertEquals(0, st.uncovered());
    // column 1 is covered twice: (1 + 3) / 2 and (10 + 30) / 2
    assertArrayEquals(new float[] {1, 2, 3, 1, 2, 3, 10, 20, 30, 10, 20, 30}, st.image());
    assertArrayEquals(new float[] {1, 0.5f, 0, 1, 0.5f, 0}, st.heavyShare());
  }
}
