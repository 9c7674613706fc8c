package io.pcsr.udf.image;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * A planar (band, row, column) block of raster samples in their stored type: the unit that is
 * decoded, shipped between stages and written, so that 16-bit data never passes through 8 bits.
 * Backed by byte[] (u8), short[] (u16, i16) or float[] (f32).
 */
public final class Samples {
  private final SampleType type;
  private final int bands;
  private final int height;
  private final int width;
  private final Object data;

  private Samples(SampleType type, int bands, int height, int width, Object data) {
    if (bands <= 0 || height <= 0 || width <= 0) {
      throw new IllegalArgumentException(
          "raster dimensions must be positive: " + bands + "x" + height + "x" + width);
    }
    this.type = Objects.requireNonNull(type, "type");
    this.bands = bands;
    this.height = height;
    this.width = width;
    this.data = data;
    long n = (long) bands * height * width;
    if (n != length(data)) {
      throw new IllegalArgumentException("sample count " + length(data) + " != " + bands + "x"
          + height + "x" + width);
    }
  }

  public static Samples allocate(SampleType type, int bands, int height, int width) {
    long n = (long) bands * height * width;
    if (n > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(bands + "x" + height + "x" + width
          + " samples do not fit one block; write it in tiles");
    }
    Object data = switch (type) {
      case UINT8 -> new byte[(int) n];
      case UINT16, INT16 -> new short[(int) n];
      case FLOAT32 -> new float[(int) n];
    };
    return new Samples(type, bands, height, width, data);
  }

  public static Samples wrap(SampleType type, int bands, int height, int width, Object data) {
    return new Samples(type, bands, height, width, data);
  }

  public SampleType type() { return type; }
  public int bands() { return bands; }
  public int height() { return height; }
  public int width() { return width; }
  /** The backing array (byte[], short[] or float[]), planar; shared, not copied. */
  public Object data() { return data; }

  /** A stored sample as a float: unsigned types come back unsigned. */
  public float get(int band, int y, int x) {
    return getFlat((band * height + y) * width + x);
  }

  public float getFlat(int i) {
    return switch (type) {
      case UINT8 -> ((byte[]) data)[i] & 0xFF;
      case UINT16 -> ((short[]) data)[i] & 0xFFFF;
      case INT16 -> ((short[]) data)[i];
      case FLOAT32 -> ((float[]) data)[i];
    };
  }

  /** Stores a value already in stored units and already rounded (see {@link SampleType}). */
  public void setFlat(int i, float stored) {
    switch (type) {
      case UINT8 -> ((byte[]) data)[i] = (byte) (int) stored;
      case UINT16, INT16 -> ((short[]) data)[i] = (short) (int) stored;
      case FLOAT32 -> ((float[]) data)[i] = stored;
    }
  }

  public void set(int band, int y, int x, float stored) {
    setFlat((band * height + y) * width + x, stored);
  }

  /** One band as model-range floats (see {@link SampleType#normalize}). */
  public float[] normalizedBand(int band) {
    int plane = height * width;
    float[] out = new float[plane];
    int off = band * plane;
    for (int i = 0; i < plane; i++) {
      out[i] = type.normalize(getFlat(off + i));
    }
    return out;
  }

  /** One band in stored units, as floats (for interpolation). */
  public float[] storedBand(int band) {
    int plane = height * width;
    float[] out = new float[plane];
    int off = band * plane;
    for (int i = 0; i < plane; i++) {
      out[i] = getFlat(off + i);
    }
    return out;
  }

  /** A copy of the rectangle [y0, y0+h) x [x0, x0+w), all bands. */
  public Samples crop(int y0, int x0, int h, int w) {
    if (y0 < 0 || x0 < 0 || y0 + h > height || x0 + w > width) {
      throw new IllegalArgumentException("crop " + y0 + "," + x0 + " " + h + "x" + w
          + " outside " + height + "x" + width);
    }
    Samples out = allocate(type, bands, h, w);
    for (int b = 0; b < bands; b++) {
      for (int y = 0; y < h; y++) {
        System.arraycopy(data, (b * height + y0 + y) * width + x0, out.data, (b * h + y) * w, w);
      }
    }
    return out;
  }

  /** Copies all bands of {@code src} into this block at (y0, x0). */
  public void paste(Samples src, int y0, int x0) {
    if (src.type != type || src.bands != bands) {
      throw new IllegalArgumentException("cannot paste " + src + " into " + this);
    }
    if (y0 < 0 || x0 < 0 || y0 + src.height > height || x0 + src.width > width) {
      throw new IllegalArgumentException("paste at " + y0 + "," + x0 + " of " + src
          + " outside " + this);
    }
    for (int b = 0; b < bands; b++) {
      for (int y = 0; y < src.height; y++) {
        System.arraycopy(src.data, (b * src.height + y) * src.width, data,
            (b * height + y0 + y) * width + x0, src.width);
      }
    }
  }

  /** Little-endian bytes of the samples, planar: the wire format of tile records. */
  public byte[] toBytes() {
    int n = bands * height * width;
    ByteBuffer buf = ByteBuffer.allocate(n * type.bytes()).order(ByteOrder.LITTLE_ENDIAN);
    switch (type) {
      case UINT8 -> buf.put((byte[]) data);
      case UINT16, INT16 -> buf.asShortBuffer().put((short[]) data);
      case FLOAT32 -> buf.asFloatBuffer().put((float[]) data);
    }
    return buf.array();
  }

  public static Samples fromBytes(SampleType type, int bands, int height, int width,
      byte[] bytes) {
    long n = (long) bands * height * width;
    if (n * type.bytes() != bytes.length) {
      throw new IllegalArgumentException(bytes.length + " bytes cannot hold " + bands + "x"
          + height + "x" + width + " " + type.code() + " samples");
    }
    if (type == SampleType.UINT8) {
      return wrap(type, bands, height, width, bytes);
    }
    Samples out = allocate(type, bands, height, width);
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (type == SampleType.FLOAT32) {
      buf.asFloatBuffer().get((float[]) out.data);
    } else {
      buf.asShortBuffer().get((short[]) out.data);
    }
    return out;
  }

  private static int length(Object data) {
    if (data instanceof byte[] b) {
      return b.length;
    }
    if (data instanceof short[] s) {
      return s.length;
    }
    if (data instanceof float[] f) {
      return f.length;
    }
    throw new IllegalArgumentException("unsupported sample array " + data);
  }

  @Override public String toString() {
    return "Samples[" + type.code() + " " + bands + "x" + height + "x" + width + "]";
  }
}
