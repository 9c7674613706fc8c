package io.pcsr.udf.image.tiff;

/**
 * The TIFF field (value) types, with their on-disk code and size, and which Java array a
 * {@link TiffField} keeps their values in.
 */
public enum TiffType {
  BYTE(1, 1, Storage.BYTES),
  ASCII(2, 1, Storage.TEXT),
  SHORT(3, 2, Storage.INTEGERS),
  LONG(4, 4, Storage.INTEGERS),
  /** Kept as numerator, denominator pairs so that a copied value is bit-exact. */
  RATIONAL(5, 8, Storage.INTEGERS),
  SBYTE(6, 1, Storage.BYTES),
  UNDEFINED(7, 1, Storage.BYTES),
  SSHORT(8, 2, Storage.INTEGERS),
  SLONG(9, 4, Storage.INTEGERS),
  SRATIONAL(10, 8, Storage.INTEGERS),
  FLOAT(11, 4, Storage.REALS),
  DOUBLE(12, 8, Storage.REALS),
  LONG8(16, 8, Storage.INTEGERS),
  SLONG8(17, 8, Storage.INTEGERS);

  /** The Java shape of a field's values: byte[], long[], double[] or String. */
  public enum Storage { BYTES, INTEGERS, REALS, TEXT }

  private final int code;
  private final int size;
  private final Storage storage;

  TiffType(int code, int size, Storage storage) {
    this.code = code;
    this.size = size;
    this.storage = storage;
  }

  /** The type number written in an IFD entry. */
  public int code() { return code; }

  /** Bytes per value on disk (a rational is one value of 8 bytes). */
  public int size() { return size; }

  public Storage storage() { return storage; }

  public boolean isRational() { return this == RATIONAL || this == SRATIONAL; }

  public static TiffType fromCode(int code) {
    for (TiffType t : values()) {
      if (t.code == code) {
        return t;
      }
    }
    throw new IllegalArgumentException("unsupported TIFF field type " + code);
  }
}
