package io.pcsr.job;

import io.pcsr.udf.image.FloatImage;
import io.pcsr.udf.image.ImageCodec;
import io.pcsr.udf.image.MatlabBicubic;
import io.pcsr.udf.image.SampleType;
import io.pcsr.udf.image.Samples;
import io.pcsr.udf.image.tiff.TiffField;
import io.pcsr.udf.image.tiff.TiffLayout;
import io.pcsr.udf.image.tiff.TiledTiffWriter;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * Every input layout the job must keep, made from the committed sample photos (real pixels):
 * 16-bit data comes from shrinking a photo in float, so it has genuine 16-bit precision rather
 * than 8-bit values times 257. PNG and plain TIFF inputs are written by ImageIO, not by the
 * job's own TIFF writer, so a round trip cannot hide a shared mistake.
 */
final class RasterFixtures {
  /** UTM zone 25S (WGS 84), the zone of the stars package's Landsat scene. */
  static final int EPSG = 32725;
  static final double ORIGIN_X = 288_776.3;
  static final double ORIGIN_Y = 9_120_761.0;
  static final double PIXEL = 28.5;

  private RasterFixtures() {}

  static FloatImage photo(String name) throws IOException {
    return ImageCodec.read(Path.of("../deploy/samples", name));
  }

  /** A 16-bit-precise version of a photo: shrunk by 2 in float (values in [0,1]). */
  static FloatImage fine(String name) throws IOException {
    return MatlabBicubic.downscale(MatlabBicubic.cropToMultiple(photo(name), 2), 2);
  }

  static float[] gray(FloatImage rgb) {
    int plane = rgb.height() * rgb.width();
    float[] g = new float[plane];
    float[] d = rgb.data();
    for (int i = 0; i < plane; i++) {
      g[i] = 0.299f * d[i] + 0.587f * d[plane + i] + 0.114f * d[2 * plane + i];
    }
    return g;
  }

  /** A smooth alpha ramp with a fully transparent corner, as cut-outs have. */
  static float[] vignette(int h, int w) {
    float[] a = new float[h * w];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        double dy = (y - h / 2.0) / h;
        double dx = (x - w / 2.0) / w;
        double v = 1.25 - 2.2 * Math.sqrt(dx * dx + dy * dy);
        a[y * w + x] = (float) Math.max(0, Math.min(1, v));
      }
    }
    return a;
  }

  /** Planes in [0,1] to a band-per-channel image (8 or 16 bits). */
  static BufferedImage image(List<float[]> planes, int h, int w, boolean gray, boolean alpha,
      int bits) {
    ComponentColorModel cm = new ComponentColorModel(
        ColorSpace.getInstance(gray ? ColorSpace.CS_GRAY : ColorSpace.CS_sRGB), alpha, false,
        alpha ? Transparency.TRANSLUCENT : Transparency.OPAQUE,
        bits == 8 ? DataBuffer.TYPE_BYTE : DataBuffer.TYPE_USHORT);
    WritableRaster raster = cm.createCompatibleWritableRaster(w, h);
    int max = bits == 8 ? 255 : 65535;
    int[] band = new int[h * w];
    for (int b = 0; b < planes.size(); b++) {
      float[] p = planes.get(b);
      for (int i = 0; i < band.length; i++) {
        band[i] = (int) Math.rint(Math.max(0, Math.min(1, p[i])) * max);
      }
      raster.setSamples(0, 0, w, h, b, band);
    }
    return new BufferedImage(cm, raster, false, null);
  }

  static List<float[]> rgbPlanes(FloatImage rgb) {
    int plane = rgb.height() * rgb.width();
    float[] d = rgb.data();
    return List.of(java.util.Arrays.copyOfRange(d, 0, plane),
        java.util.Arrays.copyOfRange(d, plane, 2 * plane),
        java.util.Arrays.copyOfRange(d, 2 * plane, 3 * plane));
  }

  static void write(BufferedImage image, String format, Path file) throws IOException {
    ImageWriter writer = ImageIO.getImageWritersByFormatName(format).next();
    if (format.equals("tiff")) {
      // the JDK's own TIFF writer, independent of the job's tiled writer
      for (var it = ImageIO.getImageWritersByFormatName(format); it.hasNext(); ) {
        ImageWriter w = it.next();
        if (w.getClass().getName().startsWith("com.sun.")) {
          writer = w;
        }
      }
    }
    Files.deleteIfExists(file);
    try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
      writer.setOutput(out);
      writer.write(image);
    } finally {
      writer.dispose();
    }
  }

  /** A 64-colour palette PNG with one transparent entry (PNG's tRNS chunk). */
  static void palettePng(FloatImage rgb, Path file) throws IOException {
    byte[] r = new byte[64];
    byte[] g = new byte[64];
    byte[] b = new byte[64];
    byte[] a = new byte[64];
    for (int i = 0; i < 64; i++) {
      r[i] = (byte) ((i >> 4) * 85);
      g[i] = (byte) (((i >> 2) & 3) * 85);
      b[i] = (byte) ((i & 3) * 85);
      a[i] = (byte) (i == 0 ? 0 : 255);
    }
    IndexColorModel cm = new IndexColorModel(8, 64, r, g, b, a);
    int h = rgb.height();
    int w = rgb.width();
    BufferedImage im = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_INDEXED, cm);
    WritableRaster raster = im.getRaster();
    int plane = h * w;
    float[] d = rgb.data();
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int i = y * w + x;
        int idx = (level(d[i]) << 4) | (level(d[plane + i]) << 2) | level(d[2 * plane + i]);
        // a transparent hole in the top-left corner
        raster.setSample(x, y, 0, x < w / 5 && y < h / 5 ? 0 : Math.max(1, idx));
      }
    }
    write(im, "png", file);
  }

  private static int level(float v) {
    return Math.max(0, Math.min(3, Math.round(v * 3)));
  }

  /** The committed CMYK JPEG (Adobe APP14), made from chelsea.png. */
  static void cmykJpeg(Path file) throws IOException {
    try (InputStream in = RasterFixtures.class.getResourceAsStream("cmyk-chelsea.jpg")) {
      Files.copy(in, file);
    }
  }

  /** A 6-band UInt16 stack: the photo's R, G, B, then three derived bands, as a sensor has. */
  static Samples multiband(FloatImage rgb) {
    int h = rgb.height();
    int w = rgb.width();
    int plane = h * w;
    Samples s = Samples.allocate(SampleType.UINT16, 6, h, w);
    float[] d = rgb.data();
    float[] gray = gray(rgb);
    for (int i = 0; i < plane; i++) {
      float[] v = {d[i], d[plane + i], d[2 * plane + i], gray[i],
          Math.abs(d[i] - d[2 * plane + i]), 1 - d[plane + i]};
      for (int b = 0; b < 6; b++) {
        s.setFlat(b * plane + i, (float) Math.rint(Math.max(0, Math.min(1, v[b])) * 65535));
      }
    }
    return s;
  }

  /** GeoTIFF keys for EPSG:32725, area pixels: the geographic frame of a projected scene. */
  static List<TiffField> geoTags(double pixel) {
    return List.of(
        TiffField.doubles(33550, pixel, pixel, 0),
        TiffField.doubles(33922, 0, 0, 0, ORIGIN_X, ORIGIN_Y, 0),
        TiffField.shorts(34735, 1, 1, 0, 3, 1024, 0, 1, 1, 1025, 0, 1, 1, 3072, 0, 1, EPSG),
        TiffField.ascii(270, "PCSR test scene made from chelsea.png"));
  }

  static void writeTiff(Path file, Samples s, TiffLayout.Photometric photometric,
      List<TiffLayout.ExtraSample> extras, List<TiffField> fields) throws IOException {
    TiledTiffWriter.write(file, new TiffLayout(s.width(), s.height(), s.bands(), s.type(),
        photometric, extras, 64, 64, TiffLayout.Compression.DEFLATE, TiffLayout.BigTiff.AUTO,
        fields), s);
  }
}
