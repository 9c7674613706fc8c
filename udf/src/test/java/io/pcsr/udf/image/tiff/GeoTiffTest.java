package io.pcsr.udf.image.tiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pcsr.udf.image.tiff.GeoTiff.RasterType;
import java.util.List;
import org.junit.jupiter.api.Test;

class GeoTiffTest {
  private static final double EXACT = 0;
  private static final double MM = 1e-6;

  @Test
  void pixelIsAreaScalesPixelSizeAndRasterPositionsOnly() {
    List<TiffField> in = List.of(
        geoKeys(1),
        TiffField.doubles(TiffTags.MODEL_PIXEL_SCALE, 10, 20, 1),
        TiffField.doubles(TiffTags.MODEL_TIEPOINT,
            0, 0, 0, 500000, 7000000, 0,
            3, 5, 0, 500030, 6999900, 12));
    List<TiffField> out = GeoTiff.scaled(in, 4);
    assertArrayEquals(new double[] {2.5, 5, 1}, reals(out, TiffTags.MODEL_PIXEL_SCALE), EXACT);
    assertArrayEquals(new double[] {
        0, 0, 0, 500000, 7000000, 0,
        12, 20, 0, 500030, 6999900, 12}, reals(out, TiffTags.MODEL_TIEPOINT), EXACT);
    assertSame(in.get(0), out.get(0), "the GeoKeys do not change");
  }

  @Test
  void pixelIsPointMovesTiepointsToTheSameCentres() {
    // Input pixel 0's centre is half a pixel in: 2 output pixels in at x4, which is output
    // centre coordinate 1.5. Pixel (2, 1): (2.5 * 4 - 0.5, 1.5 * 4 - 0.5) = (9.5, 5.5).
    List<TiffField> in = List.of(
        geoKeys(2),
        TiffField.doubles(TiffTags.MODEL_PIXEL_SCALE, 10, 20, 0),
        TiffField.doubles(TiffTags.MODEL_TIEPOINT,
            0, 0, 0, 500000, 7000000, 0,
            2, 1, 0, 500020, 6999980, 0));
    List<TiffField> out = GeoTiff.scaled(in, 4);
    assertArrayEquals(new double[] {2.5, 5, 0}, reals(out, TiffTags.MODEL_PIXEL_SCALE), EXACT);
    assertArrayEquals(new double[] {
        1.5, 1.5, 0, 500000, 7000000, 0,
        9.5, 5.5, 0, 500020, 6999980, 0}, reals(out, TiffTags.MODEL_TIEPOINT), EXACT);
  }

  @Test
  void transformationDividesRasterColumnsAndKeepsTranslationForArea() {
    List<TiffField> out = GeoTiff.scaled(List.of(geoKeys(1), transformation(
        10, 0, 0, 500000,
        0, -20, 0, 7000000)), 4);
    assertArrayEquals(new double[] {
        2.5, 0, 0, 500000,
        0, -5, 0, 7000000,
        0, 0, 0, 0,
        0, 0, 0, 1}, reals(out, TiffTags.MODEL_TRANSFORMATION), EXACT);
  }

  @Test
  void transformationShiftsTranslationForPoint() {
    // Output centre 0 is at input raster coordinate 0 / 4 + (0.5 / 4 - 0.5) = -0.375:
    // x = 500000 + 10 * -0.375, y = 7000000 - 20 * -0.375.
    List<TiffField> out = GeoTiff.scaled(List.of(geoKeys(2), transformation(
        10, 0, 0, 500000,
        0, -20, 0, 7000000)), 4);
    assertArrayEquals(new double[] {
        2.5, 0, 0, 499996.25,
        0, -5, 0, 7000007.5,
        0, 0, 0, 0,
        0, 0, 0, 1}, reals(out, TiffTags.MODEL_TRANSFORMATION), EXACT);
  }

  @Test
  void outerCornersStayPutAndPixelsShrinkWithTiepointAndScale() {
    for (int rasterType : new int[] {1, 2}) {
      List<TiffField> in = List.of(geoKeys(rasterType),
          TiffField.doubles(TiffTags.MODEL_PIXEL_SCALE, 30, 30, 0),
          TiffField.doubles(TiffTags.MODEL_TIEPOINT, 0, 0, 0, 500000, 9000000, 0));
      assertCornersKept(in, GeoTiff.scaled(in, 4), 4, 200, 150);
    }
  }

  @Test
  void outerCornersStayPutAndPixelsShrinkWithARotatedTransformation() {
    for (int rasterType : new int[] {1, 2}) {
      List<TiffField> in = List.of(geoKeys(rasterType), transformation(
          8.66, -5, 0, 400000,
          -5, -8.66, 0, 6000000));
      assertCornersKept(in, GeoTiff.scaled(in, 3), 3, 120, 90);
    }
  }

  @Test
  void rasterTypeDefaultsToAreaAndRejectsUnknownCodes() {
    assertEquals(RasterType.PIXEL_IS_AREA, GeoTiff.rasterType(List.of()));
    assertEquals(RasterType.PIXEL_IS_POINT, GeoTiff.rasterType(List.of(geoKeys(2))));
    assertThrows(IllegalArgumentException.class, () -> GeoTiff.rasterType(List.of(geoKeys(7))));
    assertEquals(32725L, GeoTiff.geoKey(List.of(geoKeys(1)), 3072).orElseThrow());
  }

  @Test
  void scaleOneChangesNothingAndScaleZeroIsRefused() {
    List<TiffField> in = TiffFieldsTest.GEO_AND_TEXT;
    assertEquals(in, GeoTiff.scaled(in, 1));
    assertThrows(IllegalArgumentException.class, () -> GeoTiff.scaled(in, 0));
  }

  /**
   * The model position of each outer image corner is the same before and after, and a pixel
   * step along either raster axis is 1/scale as long.
   */
  private static void assertCornersKept(List<TiffField> in, List<TiffField> out, int scale,
      int width, int height) {
    double[][] corners = {{0, 0}, {width, 0}, {0, height}, {width, height}};
    for (double[] c : corners) {
      assertArrayEquals(ModelPoint.of(in, c[0], c[1]),
          ModelPoint.of(out, c[0] * scale, c[1] * scale), MM,
          "corner " + c[0] + "," + c[1] + " " + GeoTiff.rasterType(in));
    }
    for (double[] axis : new double[][] {{1, 0}, {0, 1}}) {
      double[] a = ModelPoint.of(in, 0, 0);
      double[] b = ModelPoint.of(in, axis[0], axis[1]);
      double[] a4 = ModelPoint.of(out, 0, 0);
      double[] b4 = ModelPoint.of(out, axis[0], axis[1]);
      for (int k = 0; k < 2; k++) {
        assertEquals((b[k] - a[k]) / scale, b4[k] - a4[k], MM, "pixel step");
      }
    }
  }

  /**
   * Model coordinates of a point given in edge units (0 = outer edge of the first pixel), from
   * a first tiepoint and pixel scale or a transformation, whatever the raster type: written
   * from the GeoTIFF spec, independently of GeoTiff's own arithmetic.
   */
  static final class ModelPoint {
    static double[] of(List<TiffField> fields, double u, double v) {
      double half = GeoTiff.rasterType(fields) == RasterType.PIXEL_IS_POINT ? 0.5 : 0;
      double i = u - half;
      double j = v - half;
      var m = TiffFields.find(fields, TiffTags.MODEL_TRANSFORMATION);
      if (m.isPresent()) {
        double[] t = m.get().reals();
        return new double[] {t[0] * i + t[1] * j + t[3], t[4] * i + t[5] * j + t[7]};
      }
      double[] s = TiffFields.find(fields, TiffTags.MODEL_PIXEL_SCALE).orElseThrow().reals();
      double[] tp = TiffFields.find(fields, TiffTags.MODEL_TIEPOINT).orElseThrow().reals();
      return new double[] {tp[3] + (i - tp[0]) * s[0], tp[4] - (j - tp[1]) * s[1]};
    }
  }

  static TiffField geoKeys(int rasterType) {
    return TiffField.shorts(TiffTags.GEO_KEY_DIRECTORY,
        1, 1, 0, 3,
        1024, 0, 1, 1,
        1025, 0, 1, rasterType,
        3072, 0, 1, 32725);
  }

  private static TiffField transformation(double... firstTwoRows) {
    double[] m = new double[16];
    System.arraycopy(firstTwoRows, 0, m, 0, 8);
    m[15] = 1;
    return TiffField.doubles(TiffTags.MODEL_TRANSFORMATION, m);
  }

  private static double[] reals(List<TiffField> fields, int tag) {
    return TiffFields.find(fields, tag).orElseThrow().reals();
  }
}
