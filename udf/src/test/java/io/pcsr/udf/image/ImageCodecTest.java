package io.pcsr.udf.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageCodecTest {
  @TempDir Path dir;

  @Test
  void pngAndTiffRoundTripsAreExact() throws IOException {
    FloatImage image = Quantizer.as8Bit(MatlabBicubicTest.random(3, 17, 29, 5));
    for (String format : List.of("png", "tiff")) {
      Path file = dir.resolve("out." + format);
      ImageCodec.write(image, file, format);
      assertArrayEquals(image.data(), ImageCodec.read(file).data(), format);
      assertArrayEquals(image.data(), ImageCodec.read(ImageCodec.encode(image, format), format)
          .data(), format + " via bytes");
    }
  }

  @Test
  void valuesAreExactlyEightBitOver255() throws IOException {
    FloatImage image = Quantizer.as8Bit(MatlabBicubicTest.random(3, 4, 64, 9));
    FloatImage back = ImageCodec.read(ImageCodec.encode(image, "png"), "mem.png");
    int[] q = Quantizer.quantize(image);
    for (int i = 0; i < q.length; i++) {
      assertEquals(q[i] / 255f, back.data()[i]);
    }
  }

  @Test
  void jpegRoundTripIsClose() throws IOException {
    FloatImage image = smoothGradient(48, 64);
    Path file = dir.resolve("out.jpg");
    ImageCodec.write(image, file);
    FloatImage back = ImageCodec.read(file);
    double meanDiff = 0;
    for (int i = 0; i < image.data().length; i++) {
      meanDiff += Math.abs(image.data()[i] - back.data()[i]);
    }
    meanDiff /= image.data().length;
    assertTrue(meanDiff < 2 / 255.0, "mean |diff| " + meanDiff * 255 + " levels");
  }

  @Test
  void formatIsInferredFromTheExtensionWhenWriting() throws IOException {
    FloatImage image = smoothGradient(8, 8);
    ImageCodec.write(image, dir.resolve("a.tif"));
    ImageCodec.write(image, dir.resolve("b.JPEG"));
    ImageCodec.write(image, dir.resolve("c.png"));
    byte[] tiff = head(dir.resolve("a.tif"), 4); // either byte order: II*\0 or MM\0*
    assertTrue(Arrays.equals(tiff, new byte[] {'I', 'I', 42, 0})
        || Arrays.equals(tiff, new byte[] {'M', 'M', 0, 42}), Arrays.toString(tiff));
    assertArrayEquals(new byte[] {(byte) 0xFF, (byte) 0xD8}, head(dir.resolve("b.JPEG"), 2));
    assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, head(dir.resolve("c.png"), 4));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ImageCodec.write(image, dir.resolve("d.bmp")));
    assertTrue(e.getMessage().contains("d.bmp"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ImageCodec.encode(image, "gif"));
  }

  private static byte[] head(Path file, int n) throws IOException {
    return Arrays.copyOf(Files.readAllBytes(file), n);
  }

  @Test
  void decoderIsChosenByContentNotExtension() throws IOException {
    FloatImage image = Quantizer.as8Bit(MatlabBicubicTest.random(3, 5, 6, 2));
    Path misnamed = dir.resolve("really-a-png.jpg");
    Files.write(misnamed, ImageCodec.encode(image, "png"));
    assertArrayEquals(image.data(), ImageCodec.read(misnamed).data());
  }

  @Test
  void writeIsAtomicAndLeavesNoTempFiles() throws IOException {
    Path file = dir.resolve("img.png");
    ImageCodec.write(smoothGradient(6, 6), file);
    ImageCodec.write(smoothGradient(7, 7), file); // replaces
    assertEquals(7, ImageCodec.read(file).width());
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(file), files.toList());
    }
  }

  @Test
  void oneChannelImagesAreWrittenAsGray() throws IOException {
    FloatImage gray = new FloatImage(1, 1, 3, new float[] {0f, 0.5f, 1f});
    Path file = dir.resolve("gray.png");
    ImageCodec.write(gray, file);
    assertEquals(1, ImageIO.read(file.toFile()).getColorModel().getNumComponents());
    FloatImage back = ImageCodec.read(file);
    assertEquals(3, back.channels());
    for (int c = 0; c < 3; c++) {
      assertEquals(128 / 255f, back.get(c, 0, 1));
    }
  }

  @Test
  void writeGray8StoresClassMaps() throws IOException {
    Path file = dir.resolve("flags.png");
    ImageCodec.writeGray8(new int[] {0, 1, 255, 7, 0, 1}, 2, 3, file);
    FloatImage back = ImageCodec.read(file);
    assertArrayEquals(new int[] {0, 1, 255, 7, 0, 1},
        Arrays.copyOf(Quantizer.quantize(back), 6));
    ImageCodec.writeGray8(new byte[] {(byte) 200, 3}, 1, 2, file);
    assertEquals(200, Quantizer.toUint8(ImageCodec.read(file).get(1, 0, 0)));
    assertThrows(IllegalArgumentException.class,
        () -> ImageCodec.writeGray8(new int[] {256}, 1, 1, file));
  }

  @Test
  void grayPngBecomesThreeEqualChannels() throws IOException {
    BufferedImage gray = new BufferedImage(3, 2, BufferedImage.TYPE_BYTE_GRAY);
    gray.getRaster().setSamples(0, 0, 3, 2, 0, new int[] {0, 10, 100, 128, 200, 255});
    FloatImage img = ImageCodec.read(png(gray), "gray.png");
    assertEquals(3, img.channels());
    for (int c = 0; c < 3; c++) {
      // raw stored values: no linear-gray to sRGB conversion
      assertEquals(100 / 255f, img.get(c, 0, 2));
      assertEquals(128 / 255f, img.get(c, 1, 0));
    }
  }

  @Test
  void sixteenBitGrayReadsAsValueOver65535() throws IOException {
    BufferedImage gray = new BufferedImage(2, 1, BufferedImage.TYPE_USHORT_GRAY);
    gray.getRaster().setSamples(0, 0, 2, 1, 0, new int[] {1000, 65535});
    FloatImage img = ImageCodec.read(png(gray), "gray16.png");
    assertEquals(1000 / 65535f, img.get(2, 0, 0));
    assertEquals(1f, img.get(0, 0, 1));
  }

  @Test
  void palettePngIsLookedUp() throws IOException {
    byte[] r = {(byte) 255, 0, 12};
    byte[] g = {0, (byte) 255, 34};
    byte[] b = {0, 0, 56};
    BufferedImage indexed = new BufferedImage(3, 1, BufferedImage.TYPE_BYTE_INDEXED,
        new IndexColorModel(8, 3, r, g, b));
    indexed.getRaster().setSamples(0, 0, 3, 1, 0, new int[] {2, 0, 1});
    FloatImage img = ImageCodec.read(png(indexed), "palette.png");
    assertEquals(3, img.channels());
    assertArrayEquals(new float[] {12 / 255f, 34 / 255f, 56 / 255f},
        new float[] {img.get(0, 0, 0), img.get(1, 0, 0), img.get(2, 0, 0)});
    assertEquals(1f, img.get(1, 0, 2));
  }

  @Test
  void alphaIsDropped() throws IOException {
    BufferedImage rgba = new BufferedImage(1, 1, BufferedImage.TYPE_4BYTE_ABGR);
    rgba.getRaster().setPixel(0, 0, new int[] {10, 20, 30, 40});
    FloatImage img = ImageCodec.read(png(rgba), "rgba.png");
    assertEquals(3, img.channels());
    assertArrayEquals(new float[] {10 / 255f, 20 / 255f, 30 / 255f}, img.data());
  }

  @Test
  void zeroByteFileIsAClearIoError() throws IOException {
    Path empty = Files.createFile(dir.resolve("empty.png"));
    assertDecodeError(() -> ImageCodec.read(empty), "empty.png", "empty");
  }

  @Test
  void textFileNamedPngIsAClearIoError() throws IOException {
    Path text = Files.writeString(dir.resolve("notes.png"), "this is not an image\n");
    assertDecodeError(() -> ImageCodec.read(text), "notes.png", "not a recognised image format");
  }

  @Test
  void truncatedPngIsAClearIoError() throws IOException {
    byte[] full = ImageCodec.encode(MatlabBicubicTest.random(3, 40, 40, 3), "png");
    Path cut = Files.write(dir.resolve("cut.png"), Arrays.copyOf(full, full.length / 2));
    assertDecodeError(() -> ImageCodec.read(cut), "cut.png", "PNG");
  }

  @Test
  void corruptJpegBytesAreAClearIoError() {
    byte[] bytes = new byte[200];
    bytes[0] = (byte) 0xFF;
    bytes[1] = (byte) 0xD8;
    bytes[2] = (byte) 0xFF;
    Arrays.fill(bytes, 3, bytes.length, (byte) 0x5A);
    assertDecodeError(() -> ImageCodec.read(bytes, "upload-17.jpg"), "upload-17.jpg", "");
  }

  @Test
  void missingFileIsAClearIoError() {
    assertDecodeError(() -> ImageCodec.read(dir.resolve("nope.png")), "nope.png", "no such file");
  }

  @Test
  void hugeDeclaredSizeIsRefusedBeforeDecoding() {
    byte[] bomb = pngDeclaring(100_000, 100_000);
    IOException e = assertDecodeError(() -> ImageCodec.read(bomb, "bomb.png"), "bomb.png",
        "100000x100000");
    assertTrue(e.getMessage().contains("limit"), e.getMessage());
  }

  @Test
  void pixelLimitIsConfigurable() throws IOException {
    byte[] bytes = ImageCodec.encode(smoothGradient(10, 10), "png");
    assertEquals(10, ImageCodec.read(bytes, "ok.png", 100).width());
    assertDecodeError(() -> ImageCodec.read(bytes, "small-limit.png", 99), "small-limit.png",
        "limit of 99");
  }

  /** signature + IHDR (8-bit RGB) + a tiny IDAT + IEND, every chunk with a correct CRC. */
  static byte[] pngDeclaring(int width, int height) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
    ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height)
        .put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
    chunk(out, "IHDR", ihdr.array());
    Deflater deflater = new Deflater();
    deflater.setInput(new byte[16]);
    deflater.finish();
    byte[] idat = new byte[64];
    int n = deflater.deflate(idat);
    chunk(out, "IDAT", Arrays.copyOf(idat, n));
    chunk(out, "IEND", new byte[0]);
    return out.toByteArray();
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
    byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
    CRC32 crc = new CRC32();
    crc.update(typeBytes);
    crc.update(data);
    out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
    out.writeBytes(typeBytes);
    out.writeBytes(data);
    out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }

  private interface Decode {
    FloatImage run() throws IOException;
  }

  private static IOException assertDecodeError(Decode decode, String fileName, String reason) {
    IOException e = assertThrows(IOException.class, decode::run);
    assertTrue(e.getMessage().contains(fileName), e.getMessage());
    assertTrue(e.getMessage().contains(reason), e.getMessage());
    return e;
  }

  private static byte[] png(BufferedImage image) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertTrue(ImageIO.write(image, "png", out));
    return out.toByteArray();
  }

  static FloatImage smoothGradient(int h, int w) {
    FloatImage img = FloatImage.zeros(3, h, w);
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          img.set(c, y, x, Quantizer.toUint8((0.2f + 0.6f * (x + y + 3 * c) / (h + w + 6))) / 255f);
        }
      }
    }
    return img;
  }
}
