package io.pcsr.udf.image;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.util.Arrays;

/**
 * 8-bit {@link BufferedImage}s for the encoders, straight from planar samples (decoding is
 * {@link RasterReader}'s).
 */
final class BufferedImages {
  private BufferedImages() {}

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
