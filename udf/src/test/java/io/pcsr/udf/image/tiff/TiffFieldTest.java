package io.pcsr.udf.image.tiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TiffFieldTest {
  static final List<TiffField> ONE_OF_EACH = List.of(
      TiffField.bytes(700, TiffType.BYTE, (byte) 0, (byte) 255),
      TiffField.ascii(270, "first\0second"),
      TiffField.shorts(34735, 1, 1, 0, 1, 1024, 0, 1, 65535),
      TiffField.integers(701, TiffType.LONG, 0xFFFF_FFFFL, 0),
      TiffField.integers(282, TiffType.RATIONAL, 300, 1, 1, 3),
      TiffField.bytes(702, TiffType.SBYTE, (byte) -128, (byte) 127),
      TiffField.bytes(703, TiffType.UNDEFINED, (byte) 1, (byte) 2, (byte) 3, (byte) 4,
          (byte) 5),
      TiffField.integers(704, TiffType.SSHORT, -32768, 32767),
      TiffField.integers(705, TiffType.SLONG, Integer.MIN_VALUE, -1),
      TiffField.integers(706, TiffType.SRATIONAL, -1, 3),
      new TiffField(707, TiffType.FLOAT, new double[] {0.1f, -2.5f}),
      TiffField.doubles(33922, 0, 0, 0, 500000.125, 7000000.0625, 0),
      TiffField.integers(708, TiffType.LONG8, 1L << 40),
      TiffField.integers(709, TiffType.SLONG8, -(1L << 40)));

  @Test
  void encodedListDecodesToEqualFields() {
    byte[] encoded = TiffField.encodeAll(ONE_OF_EACH);
    assertEquals(ONE_OF_EACH, TiffField.decodeAll(encoded));
    assertEquals(List.of(), TiffField.decodeAll(TiffField.encodeAll(List.of())));
  }

  @Test
  void javaSerializationKeepsFieldsEqual() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(ONE_OF_EACH.get(11));
    }
    try (ObjectInputStream in = new ObjectInputStream(
        new ByteArrayInputStream(bytes.toByteArray()))) {
      assertEquals(ONE_OF_EACH.get(11), in.readObject());
    }
  }

  @Test
  void decodingRefusesTruncatedOrForeignBytes() {
    byte[] encoded = TiffField.encodeAll(ONE_OF_EACH);
    assertThrows(IllegalArgumentException.class,
        () -> TiffField.decodeAll(Arrays.copyOf(encoded, encoded.length - 3)));
    byte[] future = encoded.clone();
    future[0] = 9;
    String msg = assertThrows(IllegalArgumentException.class,
        () -> TiffField.decodeAll(future)).getMessage();
    assertTrue(msg.contains("version 9"), msg);
  }

  @Test
  void countsAndValueBytesFollowTiff() {
    TiffField ascii = TiffField.ascii(270, "cat");
    assertEquals(4, ascii.count(), "ASCII counts its NUL");
    assertArrayEquals(new byte[] {'c', 'a', 't', 0}, ascii.valueBytes());
    TiffField rational = TiffField.integers(282, TiffType.RATIONAL, 72, 1);
    assertEquals(1, rational.count());
    assertArrayEquals(new byte[] {72, 0, 0, 0, 1, 0, 0, 0}, rational.valueBytes());
    assertArrayEquals(new double[] {72.0}, rational.asDoubles());
    assertArrayEquals(new byte[] {(byte) 0xFE, (byte) 0xFF},
        TiffField.integers(1, TiffType.SSHORT, -2).valueBytes());
    for (TiffField f : ONE_OF_EACH) {
      TiffField back = TiffField.fromValueBytes(f.tag(), f.type(), f.count(), f.valueBytes(),
          ByteOrder.LITTLE_ENDIAN);
      assertEquals(f, back);
    }
  }

  @Test
  void refusesValuesTheTypeCannotHold() {
    assertThrows(IllegalArgumentException.class, () -> TiffField.shorts(1, 65536));
    assertThrows(IllegalArgumentException.class, () -> TiffField.shorts(1, -1));
    assertThrows(IllegalArgumentException.class,
        () -> TiffField.integers(1, TiffType.LONG, 1L << 32));
    assertThrows(IllegalArgumentException.class,
        () -> TiffField.integers(1, TiffType.RATIONAL, 1, 2, 3));
    assertThrows(IllegalArgumentException.class,
        () -> new TiffField(1, TiffType.DOUBLE, new long[] {1}));
    assertThrows(IllegalArgumentException.class, () -> TiffField.ascii(70000, "x"));
    assertThrows(IllegalStateException.class, () -> TiffField.ascii(270, "x").integers());
  }

  @Test
  void isImmutable() {
    double[] values = {1, 2, 3};
    TiffField f = TiffField.doubles(33550, values);
    values[0] = 99;
    f.reals()[1] = 99;
    assertArrayEquals(new double[] {1, 2, 3}, f.reals());
    assertNotEquals(f, TiffField.doubles(33550, 1, 2, 4));
    assertEquals(f.hashCode(), TiffField.doubles(33550, 1, 2, 3).hashCode());
  }

  @Test
  void serializationIsCompact() throws IOException {
    // A Spark row carries this per image: it should cost about what the TIFF itself spends.
    int tiffBytes = ONE_OF_EACH.stream().mapToInt(f -> f.valueBytes().length + 12).sum();
    assertTrue(TiffField.encodeAll(ONE_OF_EACH).length <= tiffBytes + 5 + 4 * ONE_OF_EACH.size(),
        "encoded size");
  }
}
