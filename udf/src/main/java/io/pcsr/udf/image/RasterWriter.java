package io.pcsr.udf.image;

import java.io.IOException;

/**
 * Encodes {@link Samples} in the source's format, sample type and layout: PNG keeps 8/16-bit
 * gray, gray+alpha, RGB and RGBA; JPEG holds 8-bit gray or RGB. TIFF files (any layout, type and
 * band count, with their carried-over tags) go through the tiled TIFF writer instead.
 */
public final class RasterWriter {
  private RasterWriter() {}

  public static byte[] encode(Samples samples, ImageFormat format, RasterLayout layout)
      throws IOException {
    if (format == ImageFormat.TIFF) {
      throw new IllegalArgumentException("TIFF output goes through the tiled TIFF writer");
    }
    SampleType type = samples.type();
    if (format == ImageFormat.JPEG && (type != SampleType.UINT8 || layout.hasAlpha())) {
      throw new IllegalArgumentException("JPEG holds 8-bit gray or RGB only, not " + layout.code()
          + " " + type.code());
    }
    if (layout == RasterLayout.MULTIBAND || (type != SampleType.UINT8
        && type != SampleType.UINT16)) {
      throw new IllegalArgumentException(format + " cannot hold " + layout.code() + " "
          + type.code() + " samples; write TIFF");
    }
    if (format == ImageFormat.PNG) {
      return PngEncoder.encode(samples, layout);
    }
    // JPEG: 8-bit gray or RGB, checked above
    return ImageCodec.encodeBytes((byte[]) samples.data(), samples.bands(), samples.height(),
        samples.width(), format);
  }
}
