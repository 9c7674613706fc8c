package io.pcsr.udf.image;

import java.io.Serializable;

/**
 * What a source raster is, as far as writing its upscaled twin needs to know.
 *
 * @param format the container format, also the output's
 * @param layout what the bands mean
 * @param type how samples are stored (the output keeps it)
 * @param bands band count
 * @param width pixels
 * @param height pixels
 * @param convertedFrom how the decoder changed the stored layout ("palette", "cmyk", "gray-1bit",
 *     ...), or "" when the samples are as stored
 * @param tiffFields TIFF tags carried over to the output (encoded), empty for other formats
 */
public record RasterHeader(ImageFormat format, RasterLayout layout, SampleType type, int bands,
    int width, int height, String convertedFrom, byte[] tiffFields) implements Serializable {

  public RasterHeader {
    if (layout.bands() > 0 && layout.bands() != bands) {
      throw new IllegalArgumentException(layout + " needs " + layout.bands() + " bands, got "
          + bands);
    }
    if (tiffFields == null) {
      tiffFields = new byte[0];
    }
  }

  /** One line for logs and the images table, e.g. "png rgba u16" or "tiff multiband(6) u8". */
  public String describe() {
    String l = layout == RasterLayout.MULTIBAND ? "multiband(" + bands + ")" : layout.code();
    return format.imageIoName() + " " + l + " " + type.code()
        + (convertedFrom.isEmpty() ? "" : " from " + convertedFrom);
  }
}
