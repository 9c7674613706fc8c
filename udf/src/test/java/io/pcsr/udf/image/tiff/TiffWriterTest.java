package io.pcsr.udf.image.tiff;

import static io.pcsr.udf.image.tiff.TiffTestImages.JDK;
import static io.pcsr.udf.image.tiff.TiffTestImages.TWELVEMONKEYS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pcsr.udf.image.SampleType;
import io.pcsr.udf.image.Samples;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.ImageReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TiffWriterTest {
  // Not multiples of the tile size, so the last tile column and row are cut.
  private static final int WIDTH = 100;
  private static final int HEIGHT = 72;
  private static final int TILE_W = 48;
  private static final int TILE_H = 32;

  @TempDir Path dir;

  static Stream<Arguments> formats() {
    List<Arguments> all = new ArrayList<>();
    for (SampleType type : SampleType.values()) {
      for (int bands : new int[] {1, 2, 3, 4, 6}) {
        for (boolean big : new boolean[] {false, true}) {
          for (TiffLayout.Compression c : TiffLayout.Compression.values()) {
            all.add(Arguments.of(type, bands, big, c));
          }
        }
      }
    }
    return all.stream();
  }

  @ParameterizedTest(name = "{0} x{1} bigTiff={2} {3}")
  @MethodSource("formats")
  void roundTripIsExact(SampleType type, int bands, boolean big, TiffLayout.Compression c)
      throws IOException {
    Samples image = TiffTestImages.photo(type, bands, HEIGHT, WIDTH);
    TiffLayout layout = TiffLayout.of(WIDTH, HEIGHT, bands, type).withTiles(TILE_W, TILE_H)
        .withCompression(c)
        .withBigTiff(big ? TiffLayout.BigTiff.ALWAYS : TiffLayout.BigTiff.NEVER);
    Path file = dir.resolve("out.tif");
    TiledTiffWriter.write(file, layout, image);

    assertEquals(big ? 43 : 42, headerVersion(file), "TIFF header version");
    boolean alpha = bands == 2 || bands == 4;
    // TwelveMonkeys reads both flavours; its read() clamps floats into [0,1] on the way into a
    // BufferedImage, so samples are compared from readRaster, the colour model from read().
    ImageReader tm = TiffTestImages.reader(TWELVEMONKEYS, file);
    try {
      assertSamplesEqual(image, tm.readRaster(0, null), "TwelveMonkeys");
      BufferedImage decoded = tm.read(0);
      assertColourModel(decoded.getColorModel(), bands, alpha, "TwelveMonkeys");
      List<TiffField> fields = TiffFields.read(tm.getImageMetadata(0));
      assertEquals(c.code(), tagValue(fields, TiffTags.COMPRESSION));
      assertEquals(expectedSampleFormat(type), tagValue(fields, TiffTags.SAMPLE_FORMAT));
    } finally {
      TiffTestImages.dispose(tm);
    }
    if (!big) { // the JDK's reader knows no BigTIFF, but is a second opinion on classic files
      ImageReader jdk = TiffTestImages.reader(JDK, file);
      try {
        BufferedImage decoded = jdk.read(0);
        assertSamplesEqual(image, decoded.getRaster(), "JDK");
        assertColourModel(decoded.getColorModel(), bands, alpha, "JDK");
      } finally {
        TiffTestImages.dispose(jdk);
      }
    }
  }

  @Test
  void tilesMayArriveInAnyOrder() throws IOException {
    Samples image = TiffTestImages.photo(SampleType.UINT16, 3, HEIGHT, WIDTH);
    TiffLayout layout = TiffLayout.of(WIDTH, HEIGHT, 3, SampleType.UINT16)
        .withTiles(TILE_W, TILE_H);
    List<int[]> order = new ArrayList<>();
    for (int r = 0; r < layout.tilesDown(); r++) {
      for (int col = 0; col < layout.tilesAcross(); col++) {
        order.add(new int[] {r, col});
      }
    }
    Collections.shuffle(order, new Random(7));
    Path file = dir.resolve("shuffled.tif");
    try (TiledTiffWriter writer = TiledTiffWriter.open(file, layout)) {
      for (int[] rc : order) {
        writer.writeTile(rc[0], rc[1], tileOf(image, layout, rc[0], rc[1]));
      }
    }
    ImageReader tm = TiffTestImages.reader(TWELVEMONKEYS, file);
    try {
      assertSamplesEqual(image, tm.readRaster(0, null), "shuffled");
      long[] offsets = TiffFields.find(TiffFields.read(tm.getImageMetadata(0)),
          TiffTags.TILE_OFFSETS).orElseThrow().integers();
      long[] sorted = offsets.clone();
      Arrays.sort(sorted);
      assertFalse(Arrays.equals(sorted, offsets),
          "tiles should sit in the file in arrival order, not grid order");
    } finally {
      TiffTestImages.dispose(tm);
    }
  }

  @Test
  void uncompressedEdgeTilesArePaddedToTheFullTile() throws IOException {
    TiffLayout layout = TiffLayout.of(WIDTH, HEIGHT, 2, SampleType.INT16)
        .withTiles(TILE_W, TILE_H).withCompression(TiffLayout.Compression.NONE);
    Path file = dir.resolve("padded.tif");
    TiledTiffWriter.write(file, layout, TiffTestImages.photo(SampleType.INT16, 2, HEIGHT, WIDTH));
    ImageReader tm = TiffTestImages.reader(TWELVEMONKEYS, file);
    try {
      long[] counts = TiffFields.find(TiffFields.read(tm.getImageMetadata(0)),
          TiffTags.TILE_BYTE_COUNTS).orElseThrow().integers();
      assertEquals(layout.tileCount(), counts.length);
      for (long n : counts) {
        assertEquals(TILE_W * TILE_H * 2 * 2, n);
      }
    } finally {
      TiffTestImages.dispose(tm);
    }
  }

  @Test
  void rejectsTilesThatDoNotFit() throws IOException {
    TiffLayout layout = TiffLayout.of(WIDTH, HEIGHT, 3, SampleType.UINT8)
        .withTiles(TILE_W, TILE_H);
    Samples image = TiffTestImages.photo(SampleType.UINT8, 3, HEIGHT, WIDTH);
    try (TiledTiffWriter writer = TiledTiffWriter.open(dir.resolve("bad.tif"), layout)) {
      String edge = assertThrows(IllegalArgumentException.class,
          () -> writer.writeTile(0, 2, image.crop(0, 0, TILE_H, TILE_W))).getMessage();
      assertTrue(edge.contains("must be 32 rows x 4 columns"), edge);
      String range = assertThrows(IllegalArgumentException.class,
          () -> writer.writeTile(3, 0, tileOf(image, layout, 0, 0))).getMessage();
      assertTrue(range.contains("outside the 3x3 tile grid"), range);
      assertThrows(IllegalArgumentException.class,
          () -> writer.writeTile(0, -1, tileOf(image, layout, 0, 0)));
      String type = assertThrows(IllegalArgumentException.class, () -> writer.writeTile(0, 0,
          Samples.allocate(SampleType.UINT16, 3, TILE_H, TILE_W))).getMessage();
      assertTrue(type.contains("3 u8 bands"), type);
      assertThrows(IllegalArgumentException.class, () -> writer.writeTile(0, 0,
          Samples.allocate(SampleType.UINT8, 4, TILE_H, TILE_W)));
      writer.writeTile(0, 0, tileOf(image, layout, 0, 0));
      String twice = assertThrows(IllegalArgumentException.class,
          () -> writer.writeTile(0, 0, tileOf(image, layout, 0, 0))).getMessage();
      assertTrue(twice.contains("already written"), twice);
      for (int r = 0; r < 3; r++) {
        for (int col = 0; col < 3; col++) {
          if ((r != 0 || col != 0) && (r != 1 || col != 2)) {
            writer.writeTile(r, col, tileOf(image, layout, r, col));
          }
        }
      }
      String missing = assertThrows(IllegalStateException.class, writer::close).getMessage();
      assertTrue(missing.contains("1 of 9 tiles") && missing.contains("(row 1, col 2)"), missing);
      assertThrows(IllegalStateException.class,
          () -> writer.writeTile(1, 2, tileOf(image, layout, 1, 2)));
    }
  }

  @Test
  void wholeImageMustMatchTheLayout() {
    TiffLayout layout = TiffLayout.of(WIDTH, HEIGHT, 1, SampleType.UINT8);
    Samples smaller = TiffTestImages.photo(SampleType.UINT8, 1, HEIGHT, WIDTH - 1);
    assertThrows(IllegalArgumentException.class,
        () -> TiledTiffWriter.write(dir.resolve("x.tif"), layout, smaller));
  }

  @Test
  void copiedFieldsAreWrittenAndSorted() throws IOException {
    List<TiffField> copied = List.of(
        TiffField.ascii(TiffTags.SOFTWARE, "pcsr"),
        TiffField.doubles(TiffTags.MODEL_PIXEL_SCALE, 30, 30, 0),
        TiffField.ascii(TiffTags.IMAGE_DESCRIPTION, "a cat"));
    TiffLayout layout = TiffLayout.of(WIDTH, HEIGHT, 1, SampleType.UINT8).withFields(copied);
    Path file = dir.resolve("fields.tif");
    TiledTiffWriter.write(file, layout, TiffTestImages.photo(SampleType.UINT8, 1, HEIGHT, WIDTH));
    List<Integer> tags = ifdTags(file);
    List<Integer> sorted = new ArrayList<>(tags);
    Collections.sort(sorted);
    assertEquals(sorted, tags, "IFD entries must be in ascending tag order");
    assertTrue(tags.containsAll(List.of(270, 305, 33550, 256, 324, 339)), tags.toString());
  }

  private static Samples tileOf(Samples image, TiffLayout layout, int row, int col) {
    int y0 = row * layout.tileHeight();
    int x0 = col * layout.tileWidth();
    return image.crop(y0, x0, Math.min(layout.tileHeight(), image.height() - y0),
        Math.min(layout.tileWidth(), image.width() - x0));
  }

  private static void assertSamplesEqual(Samples expected, Raster actual, String reader) {
    assertEquals(expected.width(), actual.getWidth(), reader + " width");
    assertEquals(expected.height(), actual.getHeight(), reader + " height");
    assertEquals(expected.bands(), actual.getNumBands(), reader + " bands");
    assertEquals(dataType(expected.type()), actual.getDataBuffer().getDataType(),
        reader + " data type");
    for (int b = 0; b < expected.bands(); b++) {
      for (int y = 0; y < expected.height(); y++) {
        for (int x = 0; x < expected.width(); x++) {
          float want = expected.get(b, y, x);
          float got = actual.getSampleFloat(x, y, b);
          if (Float.floatToIntBits(want) != Float.floatToIntBits(got)) {
            throw new AssertionError(reader + ": band " + b + " at (" + x + "," + y + ") is "
                + got + ", wrote " + want);
          }
        }
      }
    }
  }

  private static void assertColourModel(ColorModel cm, int bands, boolean alpha, String reader) {
    assertEquals(alpha, cm.hasAlpha(), reader + " alpha for " + bands + " bands");
    if (alpha) {
      assertFalse(cm.isAlphaPremultiplied(), reader + ": ExtraSamples=2 is unassociated alpha");
    }
  }

  private static int dataType(SampleType type) {
    return switch (type) {
      case UINT8 -> DataBuffer.TYPE_BYTE;
      case UINT16 -> DataBuffer.TYPE_USHORT;
      case INT16 -> DataBuffer.TYPE_SHORT;
      case FLOAT32 -> DataBuffer.TYPE_FLOAT;
    };
  }

  private static int expectedSampleFormat(SampleType type) {
    return type == SampleType.FLOAT32 ? 3 : type == SampleType.INT16 ? 2 : 1;
  }

  private static long tagValue(List<TiffField> fields, int tag) {
    return TiffFields.find(fields, tag).orElseThrow().integers()[0];
  }

  private static int headerVersion(Path file) throws IOException {
    byte[] head = Files.readAllBytes(file);
    assertEquals('I', head[0]);
    assertEquals('I', head[1]);
    return ByteBuffer.wrap(head, 2, 2).order(ByteOrder.LITTLE_ENDIAN).getShort();
  }

  /** The tags of a classic TIFF's first IFD, in file order, read without any library. */
  private static List<Integer> ifdTags(Path file) throws IOException {
    ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    int ifd = buf.getInt(4);
    int n = Short.toUnsignedInt(buf.getShort(ifd));
    List<Integer> tags = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      tags.add(Short.toUnsignedInt(buf.getShort(ifd + 2 + 12 * i)));
    }
    return tags;
  }
}
