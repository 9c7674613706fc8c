package io.pcsr.udf.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pcsr.udf.image.FloatImage;
import io.pcsr.udf.image.ImageCodec;
import io.pcsr.udf.image.MatlabBicubic;
import io.pcsr.udf.image.RasterLayout;
import io.pcsr.udf.image.SampleType;
import io.pcsr.udf.image.Samples;
import io.pcsr.udf.tiling.Tile;
import io.pcsr.udf.tiling.TileGrid;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** How bands go through the RGB model and back, on a real photo. */
class BandRolesTest {
  private static Samples photo(SampleType type, int bands) throws Exception {
    FloatImage p = ImageCodec.read(Path.of("../deploy/samples/coffee.png")).crop(0, 0, 60, 80);
    Samples s = Samples.allocate(type, bands, 60, 80);
    for (int b = 0; b < bands; b++) {
      for (int y = 0; y < 60; y++) {
        for (int x = 0; x < 80; x++) {
          s.set(b, y, x, type.quantize(b < 3 ? p.get(b, y, x) : 1 - p.get(b % 3, y, x)));
        }
      }
    }
    return s;
  }

  @Test
  void grayFeedsAllThreeInputsAndTakesTheMeanOfTheOutputs() throws Exception {
    Samples gray = photo(SampleType.UINT16, 1);
    BandRoles roles = BandRoles.of(RasterLayout.GRAY, 1, new int[] {0, 1, 2});
    FloatImage in = roles.modelInput(gray);
    assertArrayEquals(gray.normalizedBand(0), java.util.Arrays.copyOfRange(in.data(), 4800, 9600));
    Tile whole = TileGrid.exact(60, 80, 100, 0).get(0);
    float[] rgb = new float[3 * 240 * 320];
    for (int i = 0; i < rgb.length; i++) {
      rgb[i] = (i / (240 * 320)) * 0.25f; // R 0, G 0.25, B 0.5
    }
    float[] out = roles.output(gray, whole, 4, rgb);
    assertEquals(240 * 320, out.length);
    assertEquals(0.25f, out[12345], 1e-7);
  }

  @Test
  void multiBandFeedsTheChosenBandsAndInterpolatesTheRestSeamlessly() throws Exception {
    Samples stack = photo(SampleType.UINT8, 5);
    BandRoles roles = BandRoles.of(RasterLayout.MULTIBAND, 5, new int[] {2, 1, 0});
    assertArrayEquals(stack.normalizedBand(2),
        java.util.Arrays.copyOfRange(roles.modelInput(stack).data(), 0, 4800));
    // bicubic bands cut from tiles with a halo equal the whole band's bicubic
    float[] whole = MatlabBicubic.resize(new FloatImage(1, 60, 80, stack.normalizedBand(4)),
        240, 320).data();
    for (Tile t : TileGrid.exact(60, 80, 32, 8)) {
      Samples in = stack.crop(t.input().y(), t.input().x(), t.input().height(),
          t.input().width());
      int h = t.core().height() * 4;
      int w = t.core().width() * 4;
      float[] out = roles.output(in, t, 4, new float[3 * h * w]);
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          float expected = whole[(t.core().y() * 4 + y) * 320 + t.core().x() * 4 + x];
          assertEquals(expected, out[4 * h * w + y * w + x], 1e-6, "tile " + t.index());
        }
      }
    }
  }

  @Test
  void bandsThatDoNotExistAreRefusedWithTheirOneBasedNumber() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> BandRoles.of(RasterLayout.MULTIBAND, 4, new int[] {5, 1, 0}));
    org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("band 6"), e.getMessage());
  }
}
