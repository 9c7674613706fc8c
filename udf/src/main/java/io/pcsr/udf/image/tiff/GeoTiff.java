package io.pcsr.udf.image.tiff;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Georeferencing of an upscaled image: the output has {@code scale} times as many pixels in
 * each axis over the same ground, so its pixels are {@code scale} times smaller and raster
 * coordinates grow by {@code scale}, while the model (map) coordinates of the image's outer
 * edges stay where they were. That keeps the output overlaying the input in a GIS.
 */
public final class GeoTiff {
  /** GeoKey of the raster space convention (GTRasterTypeGeoKey). */
  public static final int GT_RASTER_TYPE_GEO_KEY = 1025;

  /** GTRasterTypeGeoKey values: what an integer raster coordinate points at. */
  public enum RasterType {
    /** Raster (0,0) is the outer corner of the first pixel (the GeoTIFF default). */
    PIXEL_IS_AREA,
    /** Raster (0,0) is the centre of the first pixel. */
    PIXEL_IS_POINT
  }

  private GeoTiff() {}

  /**
   * {@code fields} with ModelPixelScale, ModelTiepoint and ModelTransformation rewritten for an
   * output {@code scale} times larger in both axes; every other field is returned unchanged.
   */
  public static List<TiffField> scaled(List<TiffField> fields, int scale) {
    if (scale < 1) {
      throw new IllegalArgumentException("scale must be at least 1, got " + scale);
    }
    RasterCoordinates map = new RasterCoordinates(rasterType(fields), scale);
    List<TiffField> out = new ArrayList<>(fields.size());
    for (TiffField f : fields) {
      out.add(switch (f.tag()) {
        case TiffTags.MODEL_PIXEL_SCALE -> f.withValues(pixelScale(f.reals(), scale));
        case TiffTags.MODEL_TIEPOINT -> f.withValues(tiepoints(f.reals(), map));
        case TiffTags.MODEL_TRANSFORMATION -> f.withValues(transformation(f.reals(), map));
        default -> f;
      });
    }
    return out;
  }

  /** The raster type declared in the GeoKeyDirectory; PixelIsArea when absent, as GeoTIFF says. */
  public static RasterType rasterType(List<TiffField> fields) {
    Optional<Long> code = geoKey(fields, GT_RASTER_TYPE_GEO_KEY);
    if (code.isEmpty() || code.get() == 1) {
      return RasterType.PIXEL_IS_AREA;
    }
    if (code.get() == 2) {
      return RasterType.PIXEL_IS_POINT;
    }
    throw new IllegalArgumentException("GTRasterTypeGeoKey " + code.get()
        + " is neither 1 (PixelIsArea) nor 2 (PixelIsPoint)");
  }

  /**
   * A GeoKey whose value is stored in the directory itself (TIFFTagLocation 0), such as the
   * model type, raster type or EPSG code of the CRS.
   */
  public static Optional<Long> geoKey(List<TiffField> fields, int key) {
    Optional<TiffField> dir = TiffFields.find(fields, TiffTags.GEO_KEY_DIRECTORY);
    if (dir.isEmpty()) {
      return Optional.empty();
    }
    long[] d = dir.get().integers();
    if (d.length < 4) {
      throw new IllegalArgumentException("GeoKeyDirectory of " + d.length + " shorts has no header");
    }
    int keys = (int) d[3];
    for (int k = 0; k < keys && 4 * k + 7 < d.length; k++) {
      int at = 4 + 4 * k;
      if (d[at] == key && d[at + 1] == 0) {
        return Optional.of(d[at + 3]);
      }
    }
    return Optional.empty();
  }

  private static double[] pixelScale(double[] s, int scale) {
    double[] out = s.clone();
    out[0] = s[0] / scale;
    if (s.length > 1) {
      out[1] = s[1] / scale;
    }
    return out; // Z is a height scale, untouched by resampling in X and Y
  }

  // Each tiepoint is (I, J, K, X, Y, Z); only the raster position moves.
  private static double[] tiepoints(double[] t, RasterCoordinates map) {
    double[] out = t.clone();
    for (int p = 0; p + 5 < t.length; p += 6) {
      out[p] = map.toOutput(t[p]);
      out[p + 1] = map.toOutput(t[p + 1]);
    }
    return out;
  }

  /*
   * The 4x4 row-major matrix maps (i, j, k, 1) to (x, y, z, 1). With i = inverse(i') the
   * output raster coordinate, model = A * inverse(i') + t, and inverse is linear
   * (i' / s + offset), so the raster columns of A divide by s and the translation picks up
   * A * offset in each raster axis.
   */
  private static double[] transformation(double[] m, RasterCoordinates map) {
    if (m.length != 16) {
      throw new IllegalArgumentException("ModelTransformation has " + m.length
          + " values, not 16");
    }
    double[] out = m.clone();
    double offset = map.inputOffset();
    for (int row = 0; row < 4; row++) {
      double a = m[row * 4];
      double b = m[row * 4 + 1];
      out[row * 4] = a / map.scale();
      out[row * 4 + 1] = b / map.scale();
      out[row * 4 + 3] = m[row * 4 + 3] + (a + b) * offset;
    }
    return out;
  }

  /**
   * The raster-coordinate map from input to output. For PixelIsArea, coordinates measure pixel
   * edges, so i' = i * s. For PixelIsPoint they measure from the first pixel's centre, which is
   * half a pixel inside the corner: in edge units that is i + 0.5, which scales to
   * (i + 0.5) * s, which is (i + 0.5) * s - 0.5 in the output's centre-based units.
   */
  private record RasterCoordinates(RasterType type, int scale) {
    double toOutput(double i) {
      return type == RasterType.PIXEL_IS_AREA ? i * scale : (i + 0.5) * scale - 0.5;
    }

    /** The constant c in the inverse map i = i' / s + c. */
    double inputOffset() {
      return type == RasterType.PIXEL_IS_AREA ? 0 : 0.5 / scale - 0.5;
    }
  }
}
