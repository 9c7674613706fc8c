package io.pcsr.job;

import io.pcsr.udf.image.ClassMapOverlay;
import io.pcsr.udf.image.FloatImage;
import io.pcsr.udf.image.ImageCodec;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Class-map thumbnails of the report: the written SR image, decoded with subsampling (so a
 * gigapixel output never becomes a gigapixel array on the driver), under the heavy share of each
 * thumbnail pixel's block of output pixels, through {@link ClassMapOverlay}.
 */
final class ReportThumbnails {
  private ReportThumbnails() {}

  /**
   * The block side (output pixels per thumbnail pixel): a multiple of the scale, so each block
   * holds whole LR pixels of an 'lr' pixels table, and the thumbnail at most {@code maxSide}
   * wide and high.
   */
  static int factor(int widthOut, int heightOut, int scale, int maxSide) {
    int s = Math.max(1, scale);
    int longest = Math.max(widthOut, heightOut);
    int blocks = (longest + maxSide * s - 1) / (maxSide * s);
    return Math.max(1, blocks) * s;
  }

  static int thumbSide(int side, int factor) {
    return (side + factor - 1) / factor;
  }

  /**
   * The overlay: {@code share} is row-major over the thumbnail grid (NaN where no pixels-table row
   * fell). Where the output image cannot be read, the tint lies over mid-gray.
   */
  static FloatImage render(String outputUri, int widthOut, int heightOut, int factor,
      float[] share, Configuration conf) {
    int tw = thumbSide(widthOut, factor);
    int th = thumbSide(heightOut, factor);
    FloatImage background = null;
    if (outputUri != null) {
      try {
        background = readSubsampled(outputUri, factor, conf);
      } catch (IOException | RuntimeException e) {
        background = null;
      }
    }
    if (background == null || background.width() != tw || background.height() != th) {
      float[] gray = new float[3 * tw * th];
      java.util.Arrays.fill(gray, 0.5f);
      background = new FloatImage(3, th, tw, gray);
    }
    return ClassMapOverlay.render(background, share);
  }

  /** Every factor-th pixel of every factor-th row of an image on any Hadoop file system. */
  static FloatImage readSubsampled(String uri, int factor, Configuration conf) throws IOException {
    ImageCodec.class.getName(); // its static initialiser registers the TwelveMonkeys readers
    ImageIO.scanForPlugins();
    byte[] bytes;
    URI u = URI.create(uri);
    FileSystem fs = FileSystem.get(u, conf);
    try (InputStream in = fs.open(new Path(u))) {
      bytes = in.readAllBytes();
    }
    try (ImageInputStream iis = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(iis);
      if (!readers.hasNext()) {
        throw new IOException("no image reader for " + uri);
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(iis);
        ImageReadParam p = reader.getDefaultReadParam();
        p.setSourceSubsampling(factor, factor, 0, 0);
        BufferedImage img = reader.read(0, p);
        return toFloat(img);
      } finally {
        reader.dispose();
      }
    }
  }

  static FloatImage toFloat(BufferedImage img) {
    int w = img.getWidth();
    int h = img.getHeight();
    int plane = w * h;
    float[] d = new float[3 * plane];
    int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
    for (int i = 0; i < plane; i++) {
      d[i] = ((argb[i] >> 16) & 0xff) / 255f;
      d[plane + i] = ((argb[i] >> 8) & 0xff) / 255f;
      d[2 * plane + i] = (argb[i] & 0xff) / 255f;
    }
    return new FloatImage(3, h, w, d);
  }
}
