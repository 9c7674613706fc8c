package io.pcsr.job;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * Odd and broken inputs, made on the spot from a textured test pattern. Each entry: file name
 * -> what the job must do with it ("ok" = a correct output, else the errors-table stage).
 */
final class BadInputs {
  private BadInputs() {}

  static Map<String, String> write(Path dir) throws IOException {
    Map<String, String> expected = new LinkedHashMap<>();
    BufferedImage rgb = pattern(48, 40);
    byte[] png = encode(rgb, "png");
    byte[] jpeg = encode(rgb, "jpeg");

    put(dir, "truncated.png", Arrays.copyOf(png, png.length / 2), expected, "decode");
    put(dir, "truncated.jpg", Arrays.copyOf(jpeg, 200), expected, "decode");
    put(dir, "zero-bytes.png", new byte[0], expected, "decode");
    put(dir, "text.png", "hello, not an image".getBytes(), expected, "decode");
    put(dir, "jpeg-named.tif", jpeg, expected, "ok");
    put(dir, "bomb.png", pngBomb(100_000, 100_000), expected, "decode");
    put(dir, "one-pixel.png", encode(pattern(1, 1), "png"), expected, "ok");
    put(dir, "smaller-than-halo.png", encode(pattern(5, 3), "png"), expected, "ok");
    put(dir, "over-limit.png", encode(pattern(260, 200), "png"), expected, "decode");
    put(dir, "cmyk.jpg", cmykJpeg(40, 32), expected, "ok");
    put(dir, "palette-alpha.png", encode(palette(40, 30), "png"), expected, "ok");
    put(dir, "rgba.png", encode(rgba(40, 30), "png"), expected, "ok");
    put(dir, "sixteen-bit.png", encode(sixteenBit(40, 30), "png"), expected, "ok");
    put(dir, "sixteen-bit.tif", jdkTiff(sixteenBit(40, 30)), expected, "ok");
    put(dir, "gray.png", encode(gray(40, 30), "png"), expected, "ok");
    put(dir, "exif-rotated.jpg", withExifOrientation(jpeg, 6), expected, "ok");
    put(dir, "multi-page.tif", multiPageTiff(pattern(40, 30), pattern(20, 20)), expected, "ok");
    put(dir, "vanishing.png", png, expected, "read");
    return expected;
  }

  private static void put(Path dir, String name, byte[] bytes, Map<String, String> expected,
      String outcome) throws IOException {
    Files.write(dir.resolve(name), bytes);
    expected.put(name, outcome);
  }

  static BufferedImage pattern(int w, int h) {
    BufferedImage im = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Random rnd = new Random(w * 31L + h);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int r = (x * 255 / Math.max(1, w - 1)) ^ rnd.nextInt(32);
        int g = (y * 255 / Math.max(1, h - 1)) ^ rnd.nextInt(32);
        int b = ((x + y) % 16 < 8 ? 200 : 40);
        im.setRGB(x, y, (r & 255) << 16 | (g & 255) << 8 | b);
      }
    }
    return im;
  }

  private static BufferedImage gray(int w, int h) {
    BufferedImage im = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
    im.getGraphics().drawImage(pattern(w, h), 0, 0, null);
    return im;
  }

  private static BufferedImage rgba(int w, int h) {
    BufferedImage im = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
    BufferedImage p = pattern(w, h);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        im.setRGB(x, y, ((x * 255 / w) << 24) | (p.getRGB(x, y) & 0xFFFFFF));
      }
    }
    return im;
  }

  private static BufferedImage palette(int w, int h) {
    byte[] r = {0, (byte) 255, 0, (byte) 200};
    byte[] g = {0, 0, (byte) 255, (byte) 200};
    byte[] b = {0, 0, 0, (byte) 255};
    byte[] a = {0, (byte) 255, (byte) 255, (byte) 128}; // index 0 fully transparent
    IndexColorModel cm = new IndexColorModel(8, 4, r, g, b, a);
    BufferedImage im = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_INDEXED, cm);
    WritableRaster raster = im.getRaster();
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        raster.setSample(x, y, 0, (x / 5 + y / 5) % 4);
      }
    }
    return im;
  }

  private static BufferedImage sixteenBit(int w, int h) {
    ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB),
        false, false, java.awt.Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
    WritableRaster raster = Raster.createInterleavedRaster(DataBuffer.TYPE_USHORT, w, h, 3, null);
    BufferedImage p = pattern(w, h);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int rgb = p.getRGB(x, y);
        raster.setSample(x, y, 0, ((rgb >> 16) & 255) * 257 + x);
        raster.setSample(x, y, 1, ((rgb >> 8) & 255) * 257);
        raster.setSample(x, y, 2, (rgb & 255) * 257);
      }
    }
    return new BufferedImage(cm, raster, false, null);
  }

  static byte[] encode(BufferedImage im, String format) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (!ImageIO.write(im, format, out)) {
      throw new IOException("no writer for " + format + " / " + im);
    }
    return out.toByteArray();
  }

  /** Through the JDK's own TIFF writer, which writes 16-bit samples. */
  private static byte[] jdkTiff(BufferedImage im) throws IOException {
    java.util.Iterator<ImageWriter> it = ImageIO.getImageWritersByFormatName("tiff");
    while (it.hasNext()) {
      ImageWriter writer = it.next();
      if (!writer.getClass().getName().startsWith("com.sun.imageio")) {
        continue;
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
        writer.setOutput(ios);
        writer.write(im);
      } finally {
        writer.dispose();
      }
      return out.toByteArray();
    }
    throw new IOException("the JDK's TIFF writer is not available");
  }

  /** A 4-band raster through the JPEG writer: an Adobe CMYK JPEG. */
  private static byte[] cmykJpeg(int w, int h) throws IOException {
    WritableRaster raster = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, w, h, 4, null);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        raster.setSample(x, y, 0, x * 6);
        raster.setSample(x, y, 1, y * 7);
        raster.setSample(x, y, 2, 60);
        raster.setSample(x, y, 3, 20);
      }
    }
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
      writer.setOutput(ios);
      writer.write(null, new IIOImage(raster, null, null), null);
    } finally {
      writer.dispose();
    }
    return out.toByteArray();
  }

  private static byte[] multiPageTiff(BufferedImage first, BufferedImage second) throws IOException {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("tiff").next();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
      writer.setOutput(ios);
      writer.prepareWriteSequence(null);
      writer.writeToSequence(new IIOImage(first, null, null), null);
      writer.writeToSequence(new IIOImage(second, null, null), null);
      writer.endWriteSequence();
    } finally {
      writer.dispose();
    }
    return out.toByteArray();
  }

  /** Inserts an APP1 Exif segment with one Orientation entry right after the SOI marker. */
  private static byte[] withExifOrientation(byte[] jpeg, int orientation) {
    byte[] app1 = {
        (byte) 0xFF, (byte) 0xE1, 0, 34, 'E', 'x', 'i', 'f', 0, 0,
        'I', 'I', 42, 0, 8, 0, 0, 0, 1, 0,
        0x12, 0x01, 3, 0, 1, 0, 0, 0, (byte) orientation, 0, 0, 0,
        0, 0, 0, 0};
    byte[] out = new byte[jpeg.length + app1.length];
    System.arraycopy(jpeg, 0, out, 0, 2);
    System.arraycopy(app1, 0, out, 2, app1.length);
    System.arraycopy(jpeg, 2, out, 2 + app1.length, jpeg.length - 2);
    return out;
  }

  /** A PNG signature and an IHDR claiming w x h pixels, then a tiny IDAT and IEND. */
  private static byte[] pngBomb(int w, int h) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
    chunk(out, "IHDR", ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) 8).put((byte) 2)
        .put((byte) 0).put((byte) 0).put((byte) 0).array());
    chunk(out, "IDAT", new byte[] {0x78, (byte) 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01});
    chunk(out, "IEND", new byte[0]);
    return out.toByteArray();
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
    out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
    byte[] t = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    out.writeBytes(t);
    out.writeBytes(data);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }
}
