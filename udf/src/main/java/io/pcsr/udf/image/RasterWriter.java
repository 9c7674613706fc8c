package io.pcsr.udf.image;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.WritableRaster;
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
    if (type == SampleType.UINT8 && !layout.hasAlpha()) {
      // the fast path the reduce stage of large jobs uses (no per-band int copies)
      return ImageCodec.encodeBytes((byte[]) samples.data(), samples.bands(), samples.height(),
          samples.width(), format);
    }
    return ImageCodec.encodeImage(toImage(samples, layout), format);
  }

  /** A band-per-channel image (sRGB or linear gray colour space, as PNG declares them). */
  static BufferedImage toImage(Samples samples, RasterLayout layout) {
    boolean gray = layout == RasterLayout.GRAY || layout == RasterLayout.GRAY_ALPHA;
    int dataType = samples.type() == SampleType.UINT8 ? DataBuffer.TYPE_BYTE
        : DataBuffer.TYPE_USHORT;
    ComponentColorModel cm = new ComponentColorModel(
        ColorSpace.getInstance(gray ? ColorSpace.CS_GRAY : ColorSpace.CS_sRGB), layout.hasAlpha(),
        false, layout.hasAlpha() ? Transparency.TRANSLUCENT : Transparency.OPAQUE, dataType);
    int w = samples.width();
    int h = samples.height();
    WritableRaster raster = cm.createCompatibleWritableRaster(w, h);
    int plane = w * h;
    int[] band = new int[plane];
    for (int b = 0; b < samples.bands(); b++) {
      int off = b * plane;
      for (int i = 0; i < plane; i++) {
        band[i] = (int) samples.getFlat(off + i);
      }
      raster.setSamples(0, 0, w, h, b, band);
    }
    return new BufferedImage(cm, raster, false, null);
  }
}
