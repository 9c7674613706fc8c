package io.pcsr.udf.image;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/** One numpy array: dtype, C-order shape and its little-endian element bytes. Immutable. */
public final class NpyArray {
  private final NpyDtype dtype;
  private final long[] shape;
  private final byte[] data;

  /** data: the elements in C order, little-endian, exactly size() x itemSize bytes. */
  public NpyArray(NpyDtype dtype, long[] shape, byte[] data) {
    this.dtype = dtype;
    this.shape = shape.clone();
    long count = elementCount(this.shape);
    if (count * dtype.itemSize() != data.length) {
      throw new IllegalArgumentException("npy data of " + data.length + " bytes does not hold "
          + Arrays.toString(shape) + " elements of " + dtype.descr());
    }
    this.data = data;
  }

  public static NpyArray ofFloats(float[] values, long... shape) {
    ByteBuffer b = buffer(values.length, NpyDtype.FLOAT32);
    b.asFloatBuffer().put(values);
    return new NpyArray(NpyDtype.FLOAT32, shape, b.array());
  }

  public static NpyArray ofDoubles(double[] values, long... shape) {
    ByteBuffer b = buffer(values.length, NpyDtype.FLOAT64);
    b.asDoubleBuffer().put(values);
    return new NpyArray(NpyDtype.FLOAT64, shape, b.array());
  }

  public static NpyArray ofInts(int[] values, long... shape) {
    ByteBuffer b = buffer(values.length, NpyDtype.INT32);
    b.asIntBuffer().put(values);
    return new NpyArray(NpyDtype.INT32, shape, b.array());
  }

  public static NpyArray ofLongs(long[] values, long... shape) {
    ByteBuffer b = buffer(values.length, NpyDtype.INT64);
    b.asLongBuffer().put(values);
    return new NpyArray(NpyDtype.INT64, shape, b.array());
  }

  /** uint8 from ints in 0..255 (e.g. class maps). */
  public static NpyArray ofUint8(int[] values, long... shape) {
    byte[] bytes = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      if (values[i] < 0 || values[i] > 255) {
        throw new IllegalArgumentException("uint8 value " + values[i] + " at " + i);
      }
      bytes[i] = (byte) values[i];
    }
    return new NpyArray(NpyDtype.UINT8, shape, bytes);
  }

  public static NpyArray ofBooleans(boolean[] values, long... shape) {
    byte[] bytes = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      bytes[i] = (byte) (values[i] ? 1 : 0);
    }
    return new NpyArray(NpyDtype.BOOL, shape, bytes);
  }

  /** An image as numpy's H x W x C float32 (the layout of the reference fixtures). */
  public static NpyArray ofImageHwc(FloatImage image) {
    return ofFloats(image.toHwc(), image.height(), image.width(), image.channels());
  }

  /** A float32 H x W x C array (C optional: H x W gives one channel) as a planar image. */
  public FloatImage toImage() {
    if (shape.length != 2 && shape.length != 3) {
      throw new IllegalStateException("an image needs shape HxW or HxWxC, got "
          + Arrays.toString(shape));
    }
    int channels = shape.length == 3 ? (int) shape[2] : 1;
    return FloatImage.fromHwc(toFloats(), (int) shape[0], (int) shape[1], channels);
  }

  /** numpy's dtype string, e.g. "&lt;f4", "|u1". */
  public String dtype() { return dtype.descr(); }

  public NpyDtype type() { return dtype; }

  public long[] shape() { return shape.clone(); }

  public int size() { return data.length / dtype.itemSize(); }

  /** The raw little-endian element bytes (a copy). */
  public byte[] bytes() { return data.clone(); }

  byte[] rawBytes() { return data; }

  /** All elements as float (float64 and int64 values are rounded to the nearest float). */
  public float[] toFloats() {
    if (dtype == NpyDtype.FLOAT32) {
      float[] out = new float[size()];
      view().asFloatBuffer().get(out);
      return out;
    }
    double[] d = toDoubles();
    float[] out = new float[d.length];
    for (int i = 0; i < d.length; i++) {
      out[i] = (float) d[i];
    }
    return out;
  }

  public double[] toDoubles() {
    int n = size();
    double[] out = new double[n];
    ByteBuffer b = view();
    for (int i = 0; i < n; i++) {
      out[i] = switch (dtype) {
        case FLOAT32 -> b.getFloat(i * 4);
        case FLOAT64 -> b.getDouble(i * 8);
        case UINT8, BOOL -> data[i] & 0xff;
        case INT32 -> b.getInt(i * 4);
        case INT64 -> b.getLong(i * 8);
      };
    }
    return out;
  }

  /** Integer types only (a float array would need a rounding rule); int64 must fit an int. */
  public int[] toInts() {
    if (!dtype.integral()) {
      throw new IllegalStateException("toInts() on a " + dtype.descr()
          + " array; use toFloats() and round as needed");
    }
    int n = size();
    int[] out = new int[n];
    ByteBuffer b = view();
    for (int i = 0; i < n; i++) {
      out[i] = switch (dtype) {
        case UINT8, BOOL -> data[i] & 0xff;
        case INT32 -> b.getInt(i * 4);
        case INT64 -> Math.toIntExact(b.getLong(i * 8));
        default -> throw new AssertionError(dtype);
      };
    }
    return out;
  }

  @Override public String toString() {
    return "NpyArray[" + dtype.descr() + " " + Arrays.toString(shape) + "]";
  }

  private ByteBuffer view() {
    return ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static ByteBuffer buffer(int count, NpyDtype dtype) {
    return ByteBuffer.allocate(Math.multiplyExact(count, dtype.itemSize()))
        .order(ByteOrder.LITTLE_ENDIAN);
  }

  static long elementCount(long[] shape) {
    long count = 1;
    for (long d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
      }
      count = Math.multiplyExact(count, d);
    }
    if (count > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("array of shape " + Arrays.toString(shape)
          + " is too large for one Java array");
    }
    return count;
  }
}
