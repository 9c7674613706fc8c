package io.pcsr.udf.image.tiff;

import io.pcsr.udf.image.RasterHeader;
import io.pcsr.udf.image.RasterLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * The TIFF layout of an upscaled twin: the source's band meaning, sample type and carried-over
 * tags (georeferencing rescaled), at the output size.
 */
public final class UpscaledTiffLayout {
  private UpscaledTiffLayout() {}

  /**
   * @param tileSide output tile side (a multiple of 16: the HR size of one job tile's core, so
   *     each job tile fills exactly one TIFF tile)
   * @param bigTiff force BigTIFF (huge outputs), else only when a classic file could not hold it
   */
  public static TiffLayout of(RasterHeader source, int scale, int width, int height, int tileSide,
      boolean bigTiff) {
    RasterLayout l = source.layout();
    boolean rgb = l == RasterLayout.RGB || l == RasterLayout.RGBA;
    TiffLayout.Photometric photometric = rgb ? TiffLayout.Photometric.RGB
        : TiffLayout.Photometric.MIN_IS_BLACK;
    List<TiffLayout.ExtraSample> extras = new ArrayList<>();
    for (int b = photometric.colourBands(); b < source.bands(); b++) {
      extras.add(b == l.alphaBand() ? TiffLayout.ExtraSample.UNASSOCIATED_ALPHA
          : TiffLayout.ExtraSample.UNSPECIFIED);
    }
    List<TiffField> fields = source.tiffFields().length == 0 ? List.of()
        : GeoTiff.scaled(TiffField.decodeAll(source.tiffFields()), scale);
    return new TiffLayout(width, height, source.bands(), source.type(), photometric, extras,
        tileSide, tileSide, TiffLayout.Compression.DEFLATE,
        bigTiff ? TiffLayout.BigTiff.ALWAYS : TiffLayout.BigTiff.AUTO, fields);
  }
}
