package io.pcsr.udf.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.util.Arrays;

/**
 * Conversions between decoded {@link BufferedImage}s and {@link FloatImage}s. Sample values are
 * taken as stored, without colour management (as PIL and the official code do): gray is
 * replicated to RGB, palettes are looked up, alpha is dropped.
 */
final class BufferedImages {
  private BufferedImages() {}

  /** A 3-channel RGB image in [0,1]: each stored sample divided by its maximum (255 or 65535). */
  static FloatImage toRgb(BufferedImage image) {
    ColorModel cm = image.getColorModel();
    if (cm instanceof IndexColorModel palette) {
      return fromPalette(image.getRaster(), palette);
    }
    if (isPlainComponentModel(image)) {
      return fromComponents(image.getRaster(), cm);
    }
    return fromArgb(image);
  }

  /**
   * Gray or RGB samples stored one per band, all 8 or all 16 bits: read the raster directly.
   * (Going through getRGB would push linear-gray colour spaces through a gamma curve.)
   */
  private static boolean isPlainComponentModel(BufferedImage image) {
    ColorModel cm = image.getColorModel();
    if (!(cm instanceof ComponentColorModel) || cm.isAlphaPremultiplied()) {
      return false;
    }
    int type = cm.getColorSpace().getType();
    if (type != ColorSpace.TYPE_RGB && type != ColorSpace.TYPE_GRAY) {
      return false;
    }
    int dataType = image.getRaster().getDataBuffer().getDataType();
    int bits = dataType == DataBuffer.TYPE_BYTE ? 8 : dataType == DataBuffer.TYPE_USHORT ? 16 : -1;
    for (int size : cm.getComponentSize()) {
      if (size != bits) {
        return false;
      }
    }
    return true;
  }

  private static FloatImage fromComponents(Raster raster, ColorModel cm) {
    int h = raster.getHeight();
    int w = raster.getWidth();
    float max = (1 << cm.getComponentSize(0)) - 1;
    int colorBands = cm.getNumColorComponents(); // 1 (gray) or 3 (RGB); alpha, if any, follows
    FloatImage out = FloatImage.zeros(3, h, w);
    float[] dst = out.data();
    int plane = h * w;
    int[] samples = new int[plane];
    for (int c = 0; c < 3; c++) {
      raster.getSamples(raster.getMinX(), raster.getMinY(), w, h, colorBands == 1 ? 0 : c, samples);
      for (int i = 0; i < plane; i++) {
        dst[c * plane + i] = samples[i] / max;
      }
    }
    return out;
  }

  private static FloatImage fromPalette(Raster raster, IndexColorModel palette) {
    int h = raster.getHeight();
    int w = raster.getWidth();
    int plane = h * w;
    int[] index = raster.getSamples(raster.getMinX(), raster.getMinY(), w, h, 0, new int[plane]);
    FloatImage out = FloatImage.zeros(3, h, w);
    float[] dst = out.data();
    for (int i = 0; i < plane; i++) {
      dst[i] = palette.getRed(index[i]) / 255f;
      dst[plane + i] = palette.getGreen(index[i]) / 255f;
      dst[2 * plane + i] = palette.getBlue(index[i]) / 255f;
    }
    return out;
  }

  /** Anything else (packed ints, CMYK, odd bit depths): let Java2D convert to 8-bit sRGB. */
  private static FloatImage fromArgb(BufferedImage image) {
    int h = image.getHeight();
    int w = image.getWidth();
    int plane = h * w;
    FloatImage out = FloatImage.zeros(3, h, w);
    float[] dst = out.data();
    int[] row = new int[w];
    for (int y = 0; y < h; y++) {
      image.getRGB(0, y, w, 1, row, 0, w);
      for (int x = 0; x < w; x++) {
        int i = y * w + x;
        dst[i] = ((row[x] >> 16) & 0xff) / 255f;
        dst[plane + i] = ((row[x] >> 8) & 0xff) / 255f;
        dst[2 * plane + i] = (row[x] & 0xff) / 255f;
      }
    }
    return out;
  }

  /**
   * An 8-bit RGB or gray image straight from planar unsigned bytes: written into the raster's
   * own BGR-interleaved byte array, no intermediate int or float copies (the reduce stage of a
   * large job spends its time here).
   */
  static BufferedImage fromBytes(byte[] planar, int channels, int height, int width) {
    if (channels != 1 && channels != 3) {
      throw new IllegalArgumentException(
          "only 1-channel (gray) or 3-channel (RGB) images can be written, got " + channels);
    }
    BufferedImage image = new BufferedImage(width, height,
        channels == 3 ? BufferedImage.TYPE_3BYTE_BGR : BufferedImage.TYPE_BYTE_GRAY);
    byte[] dst = ((java.awt.image.DataBufferByte) image.getRaster().getDataBuffer()).getData();
    int plane = height * width;
    if (channels == 1) {
      System.arraycopy(planar, 0, dst, 0, plane);
      return image;
    }
    for (int i = 0, j = 0; i < plane; i++, j += 3) {
      dst[j] = planar[2 * plane + i];
      dst[j + 1] = planar[plane + i];
      dst[j + 2] = planar[i];
    }
    return image;
  }

  /** An 8-bit RGB (3 channels) or gray (1 channel) image from planar CHW values in 0..255. */
  static BufferedImage fromUint8(int[] planar, int channels, int height, int width) {
    if (channels != 1 && channels != 3) {
      throw new IllegalArgumentException(
          "only 1-channel (gray) or 3-channel (RGB) images can be written, got " + channels);
    }
    BufferedImage image = new BufferedImage(width, height,
        channels == 3 ? BufferedImage.TYPE_3BYTE_BGR : BufferedImage.TYPE_BYTE_GRAY);
    WritableRaster raster = image.getRaster();
    int plane = height * width;
    for (int c = 0; c < channels; c++) {
      // raster bands are in R, G, B order whatever the byte layout
      raster.setSamples(0, 0, width, height, c,
          Arrays.copyOfRange(planar, c * plane, (c + 1) * plane));
    }
    return image;
  }
}
