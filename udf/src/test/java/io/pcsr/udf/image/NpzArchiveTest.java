package io.pcsr.udf.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pcsr.udf.testing.Reference;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpzArchiveTest {
  @TempDir Path dir;

  @Test
  void readsTheDeflatedBicubicFixture() throws IOException {
    Map<String, NpyArray> arrays = NpzArchive.read(Reference.file("bicubic/expected.npz"));
    assertEquals(List.of("lr_384x384_to_96x96", "lr_150x201_to_50x67"),
        List.copyOf(arrays.keySet()));
    NpyArray lr = arrays.get("lr_150x201_to_50x67");
    assertEquals("<f4", lr.dtype());
    assertArrayEquals(new long[] {50, 67, 3}, lr.shape());
    float[] values = lr.toFloats();
    assertEquals(50 * 67 * 3, values.length);
    for (float v : values) {
      assertTrue(v > -0.5f && v < 1.5f, "implausible pixel value " + v);
    }
  }

  @Test
  void readsCaseArraysOfSeveralDtypes() throws IOException {
    Map<String, NpyArray> arrays =
        NpzArchive.read(Reference.file("cases/test2k1232-carn-adm/expected.npz"));
    NpyArray flag = arrays.get("flag");
    assertEquals("|u1", flag.dtype());
    assertArrayEquals(new long[] {384, 384}, flag.shape());
    int heavy = 0;
    for (int v : flag.toInts()) {
      assertTrue(v == 0 || v == 1);
      heavy += v;
    }
    assertEquals(30155, heavy); // meta.json heavy_pixels
    assertArrayEquals(new long[] {384, 384, 3}, arrays.get("sr").shape());
  }

  @Test
  void writeThenReadRoundTripsEveryDtype() throws IOException {
    Map<String, NpyArray> arrays = new LinkedHashMap<>();
    arrays.put("f4", NpyArray.ofFloats(new float[] {1.5f, -2f, Float.NaN, 1e-30f, 7, 8}, 2, 3));
    arrays.put("f8", NpyArray.ofDoubles(new double[] {Math.PI, -0.0}, 2));
    arrays.put("u1", NpyArray.ofUint8(new int[] {0, 255, 128}, 3));
    arrays.put("i4", NpyArray.ofInts(new int[] {Integer.MIN_VALUE, 0, 42}, 3, 1));
    arrays.put("i8", NpyArray.ofLongs(new long[] {-5L, 1L << 40}, 2));
    arrays.put("b1", NpyArray.ofBooleans(new boolean[] {true, false}, 1, 2));
    arrays.put("scalar", NpyArray.ofFloats(new float[] {3f}));
    Path file = dir.resolve("golden.npz");
    NpzArchive.write(arrays, file);
    Map<String, NpyArray> back = NpzArchive.read(file);
    assertEquals(arrays.keySet(), back.keySet());
    for (String name : arrays.keySet()) {
      assertEquals(arrays.get(name).dtype(), back.get(name).dtype(), name);
      assertArrayEquals(arrays.get(name).shape(), back.get(name).shape(), name);
      assertArrayEquals(arrays.get(name).bytes(), back.get(name).bytes(), name);
    }
    assertArrayEquals(new int[] {0, 255, 128}, back.get("u1").toInts());
    assertArrayEquals(new int[] {1, 0}, back.get("b1").toInts());
    assertArrayEquals(new double[] {-5, 1L << 40}, back.get("i8").toDoubles());
    assertThrows(ArithmeticException.class, () -> back.get("i8").toInts());
    assertThrows(IllegalStateException.class, () -> back.get("f4").toInts());
    assertArrayEquals(new long[0], back.get("scalar").shape());
    // golden files must be reproducible byte for byte
    Path again = dir.resolve("again.npz");
    NpzArchive.write(arrays, again);
    assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(again));
  }

  @Test
  void writtenHeadersFollowTheNpyLayout() {
    byte[] npy = NpyFormat.serialize(NpyArray.ofInts(new int[] {1, 2, 3}, 3));
    assertEquals(1, npy[6]);
    int headerLength = ByteBuffer.wrap(npy, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort();
    assertEquals(0, (10 + headerLength) % 64);
    String header = new String(npy, 10, headerLength, StandardCharsets.ISO_8859_1);
    assertTrue(header.startsWith("{'descr': '<i4', 'fortran_order': False, 'shape': (3,), }"),
        header);
    assertTrue(header.endsWith("\n"));
  }

  @Test
  void imagesConvertToAndFromHwc() {
    FloatImage image = MatlabBicubicTest.random(3, 4, 5, 8);
    NpyArray hwc = NpyArray.ofImageHwc(image);
    assertArrayEquals(new long[] {4, 5, 3}, hwc.shape());
    assertEquals(image.get(2, 3, 1), hwc.toFloats()[(3 * 5 + 1) * 3 + 2]);
    assertArrayEquals(image.data(), hwc.toImage().data());
  }

  @Test
  void readsVersionTwoHeadersAndStoredEntries() throws IOException {
    byte[] v2 = npy(2, "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }",
        ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putDouble(0.25).putDouble(-1)
            .array());
    Path file = storedZip(Map.of("v2.npy", v2));
    NpyArray a = NpzArchive.read(file).get("v2");
    assertArrayEquals(new float[] {0.25f, -1f}, a.toFloats());
  }

  @Test
  void rejectsFortranOrderWithAClearMessage() throws IOException {
    byte[] fortran = npy(1, "{'descr': '|u1', 'fortran_order': True, 'shape': (2, 2), }",
        new byte[4]);
    Path file = storedZip(Map.of("f.npy", fortran));
    IOException e = assertThrows(IOException.class, () -> NpzArchive.read(file));
    assertTrue(e.getMessage().contains("Fortran") && e.getMessage().contains("f.npy"),
        e.getMessage());
  }

  @Test
  void rejectsUnsupportedDtypesAndWrongSizes() throws IOException {
    Path bigEndian = storedZip(Map.of("b.npy",
        npy(1, "{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", new byte[4])));
    IOException e = assertThrows(IOException.class, () -> NpzArchive.read(bigEndian));
    assertTrue(e.getMessage().contains(">f4"), e.getMessage());
    Path shortData = storedZip(Map.of("s.npy",
        npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", new byte[8])));
    e = assertThrows(IOException.class, () -> NpzArchive.read(shortData));
    assertTrue(e.getMessage().contains("s.npy"), e.getMessage());
  }

  @Test
  void missingArrayAndNonZipFilesAreClearErrors() throws IOException {
    Path file = dir.resolve("one.npz");
    NpzArchive.write(Map.of("a", NpyArray.ofFloats(new float[] {1}, 1)), file);
    IOException e = assertThrows(IOException.class, () -> NpzArchive.read(file, "b"));
    assertTrue(e.getMessage().contains("[a]"), e.getMessage());
    Path text = Files.writeString(dir.resolve("text.npz"), "not a zip");
    e = assertThrows(IOException.class, () -> NpzArchive.read(text));
    assertTrue(e.getMessage().contains("text.npz"), e.getMessage());
  }

  private static byte[] npy(int major, String dict, byte[] data) {
    String header = dict + " ".repeat(7) + "\n";
    int prefix = major == 1 ? 10 : 12;
    ByteBuffer b = ByteBuffer.allocate(prefix + header.length() + data.length)
        .order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
    if (major == 1) {
      b.putShort((short) header.length());
    } else {
      b.putInt(header.length());
    }
    return b.put(header.getBytes(StandardCharsets.ISO_8859_1)).put(data).array();
  }

  /** An uncompressed archive, like np.savez writes. */
  private Path storedZip(Map<String, byte[]> entries) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        ZipEntry entry = new ZipEntry(e.getKey());
        entry.setMethod(ZipEntry.STORED);
        entry.setSize(e.getValue().length);
        CRC32 crc = new CRC32();
        crc.update(e.getValue());
        entry.setCrc(crc.getValue());
        zip.putNextEntry(entry);
        zip.write(e.getValue());
        zip.closeEntry();
      }
    }
    return Files.write(Files.createTempFile(dir, "stored", ".npz"), bytes.toByteArray());
  }
}
