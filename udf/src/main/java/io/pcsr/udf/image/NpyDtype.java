package io.pcsr.udf.image;

/** The numpy element types {@link NpyArray} supports, all little-endian (or byte-sized). */
public enum NpyDtype {
  FLOAT32("<f4", 4, false),
  FLOAT64("<f8", 8, false),
  UINT8("|u1", 1, true),
  INT32("<i4", 4, true),
  INT64("<i8", 8, true),
  BOOL("|b1", 1, true);

  private final String descr;
  private final int itemSize;
  private final boolean integral;

  NpyDtype(String descr, int itemSize, boolean integral) {
    this.descr = descr;
    this.itemSize = itemSize;
    this.integral = integral;
  }

  /** numpy's dtype string, as written in .npy headers. */
  public String descr() { return descr; }

  public int itemSize() { return itemSize; }

  /** Whether values convert to int without rounding. */
  public boolean integral() { return integral; }

  /** Parses a header descr; for single-byte types the byte-order mark does not matter. */
  public static NpyDtype fromDescr(String descr) {
    for (NpyDtype t : values()) {
      boolean anyOrder = t.itemSize == 1 && descr.length() == 3
          && "|<=>".indexOf(descr.charAt(0)) >= 0 && descr.endsWith(t.descr.substring(1));
      if (t.descr.equals(descr) || anyOrder) {
        return t;
      }
    }
    throw new IllegalArgumentException("unsupported npy dtype '" + descr
        + "' (supported: <f4, <f8, |u1, <i4, <i8, |b1; big-endian and structured types are not)");
  }
}
