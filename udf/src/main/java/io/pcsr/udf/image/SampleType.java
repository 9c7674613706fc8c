package io.pcsr.udf.image;

/**
 * How one band's samples are stored in a raster file, and how they map to the model's [0,1]
 * float range. Unsigned types map their full range (v / 255, v / 65535); signed 16-bit maps
 * [-32768, 32767] linearly onto [0,1]; float samples are taken as they are. The mapping is fixed
 * per type, never fitted per image, so tiles of one image cannot disagree.
 */
public enum SampleType {
  UINT8(8, "u8"),
  UINT16(16, "u16"),
  INT16(16, "i16"),
  FLOAT32(32, "f32");

  private final int bits;
  private final String code;

  SampleType(int bits, String code) {
    this.bits = bits;
    this.code = code;
  }

  public int bits() { return bits; }

  public int bytes() { return bits / 8; }

  /** Short name used in tile records and the images table: u8, u16, i16, f32. */
  public String code() { return code; }

  public static SampleType fromCode(String code) {
    for (SampleType t : values()) {
      if (t.code.equals(code)) {
        return t;
      }
    }
    throw new IllegalArgumentException("unknown sample type '" + code + "' (u8, u16, i16, f32)");
  }

  /** A stored sample (as read by {@link Samples#get}) in the model's range. */
  public float normalize(float stored) {
    switch (this) {
      case UINT8: return stored / 255f;
      case UINT16: return stored / 65535f;
      case INT16: return (stored + 32768f) / 65535f;
      default: return stored;
    }
  }

  /**
   * A model-range value back to a stored sample: clamped to the type's range and rounded half
   * to even, once, at the source depth (for 8 bits exactly {@link Quantizer#toUint8}).
   */
  public float quantize(float value) {
    switch (this) {
      case UINT8: return Quantizer.toUint8(value);
      case UINT16: return (float) Math.rint(clamp01(value) * 65535.0);
      case INT16: return (float) (Math.rint(clamp01(value) * 65535.0) - 32768.0);
      default: return value;
    }
  }

  /** The same rounding for a value already in stored units (interpolated alpha, extra bands). */
  public float clampStored(float stored) {
    switch (this) {
      case UINT8: return (float) Math.rint(Math.max(0f, Math.min(255f, stored)));
      case UINT16: return (float) Math.rint(Math.max(0f, Math.min(65535f, stored)));
      case INT16: return (float) Math.rint(Math.max(-32768f, Math.min(32767f, stored)));
      default: return stored;
    }
  }

  private static float clamp01(float v) {
    return v != v ? 0f : Math.max(0f, Math.min(1f, v));
  }
}
