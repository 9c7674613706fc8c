package io.pcsr.udf.checkpoint;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable, contiguous (row-major) tensor read from a checkpoint. Values are kept in their
 * stored type so that a round trip through another format is bit-identical; {@link #toFloats()}
 * converts for inference.
 */
public final class TensorData {
  /** The largest element count a Java array can hold on common JVMs. */
  static final int MAX_ELEMENTS = Integer.MAX_VALUE - 8;

  private final TensorType type;
  private final long[] shape;
  private final int numel;
  /** float[], double[], long[], int[], or short[] (raw bits of FLOAT16/BFLOAT16). */
  private final Object values;

  private TensorData(TensorType type, long[] shape, Object values) {
    this.type = type;
    this.shape = shape;
    this.numel = checkedNumel(shape);
    this.values = values;
  }

  /** A FLOAT32 tensor; {@code data} is copied and must hold exactly the shape's element count. */
  public static TensorData ofFloats(long[] shape, float[] data) {
    long[] s = shape.clone();
    requireLength(s, data.length);
    return new TensorData(TensorType.FLOAT32, s, data.clone());
  }

  /** An INT64 tensor; {@code data} is copied and must hold exactly the shape's element count. */
  public static TensorData ofLongs(long[] shape, long[] data) {
    long[] s = shape.clone();
    requireLength(s, data.length);
    return new TensorData(TensorType.INT64, s, data.clone());
  }

  public long[] shape() {
    return shape.clone();
  }

  public TensorType type() {
    return type;
  }

  public long numel() {
    return numel;
  }

  /** The values as float32, converting from whatever type is stored (a fresh array). */
  public float[] toFloats() {
    float[] out = new float[numel];
    switch (type) {
      case FLOAT32 -> System.arraycopy((float[]) values, 0, out, 0, numel);
      case FLOAT64 -> {
        double[] v = (double[]) values;
        for (int i = 0; i < numel; i++) {
          out[i] = (float) v[i];
        }
      }
      case INT64 -> {
        long[] v = (long[]) values;
        for (int i = 0; i < numel; i++) {
          out[i] = v[i];
        }
      }
      case INT32 -> {
        int[] v = (int[]) values;
        for (int i = 0; i < numel; i++) {
          out[i] = v[i];
        }
      }
      case FLOAT16 -> {
        short[] v = (short[]) values;
        for (int i = 0; i < numel; i++) {
          out[i] = HalfFloats.halfToFloat(v[i]);
        }
      }
      case BFLOAT16 -> {
        short[] v = (short[]) values;
        for (int i = 0; i < numel; i++) {
          out[i] = Float.intBitsToFloat((v[i] & 0xffff) << 16);
        }
      }
      default -> throw new AssertionError(type);
    }
    return out;
  }

  /** The values of an integer tensor (INT64 or INT32) as longs (a fresh array). */
  public long[] toLongs() {
    if (type == TensorType.INT64) {
      return ((long[]) values).clone();
    }
    if (type == TensorType.INT32) {
      int[] v = (int[]) values;
      long[] out = new long[numel];
      for (int i = 0; i < numel; i++) {
        out[i] = v[i];
      }
      return out;
    }
    throw new IllegalStateException("toLongs() needs an integer tensor, this one is " + type
        + "; use toFloats()");
  }

  /**
   * Reads a tensor from raw storage bytes (in the buffer's byte order). With {@code indices ==
   * null} the elements are the first {@code numel} from the buffer's position; otherwise element
   * {@code i} is storage element {@code indices[i]} (how strided views are made contiguous).
   */
  static TensorData read(TensorType type, long[] shape, ByteBuffer storage, int[] indices) {
    int n = checkedNumel(shape);
    Object values = switch (type) {
      case FLOAT32 -> {
        float[] out = new float[n];
        var src = storage.asFloatBuffer();
        if (indices == null) {
          src.get(out);
        } else {
          for (int i = 0; i < n; i++) {
            out[i] = src.get(indices[i]);
          }
        }
        yield out;
      }
      case FLOAT64 -> {
        double[] out = new double[n];
        var src = storage.asDoubleBuffer();
        if (indices == null) {
          src.get(out);
        } else {
          for (int i = 0; i < n; i++) {
            out[i] = src.get(indices[i]);
          }
        }
        yield out;
      }
      case INT64 -> {
        long[] out = new long[n];
        var src = storage.asLongBuffer();
        if (indices == null) {
          src.get(out);
        } else {
          for (int i = 0; i < n; i++) {
            out[i] = src.get(indices[i]);
          }
        }
        yield out;
      }
      case INT32 -> {
        int[] out = new int[n];
        var src = storage.asIntBuffer();
        if (indices == null) {
          src.get(out);
        } else {
          for (int i = 0; i < n; i++) {
            out[i] = src.get(indices[i]);
          }
        }
        yield out;
      }
      case FLOAT16, BFLOAT16 -> {
        short[] out = new short[n];
        var src = storage.asShortBuffer();
        if (indices == null) {
          src.get(out);
        } else {
          for (int i = 0; i < n; i++) {
            out[i] = src.get(indices[i]);
          }
        }
        yield out;
      }
    };
    return new TensorData(type, shape.clone(), values);
  }

  /** Size in bytes of the raw data. */
  long byteSize() {
    return (long) numel * type.byteSize();
  }

  /** The raw values, little-endian, as safetensors stores them. */
  byte[] toLittleEndianBytes() {
    ByteBuffer out =
        ByteBuffer.allocate(Math.toIntExact(byteSize())).order(ByteOrder.LITTLE_ENDIAN);
    switch (type) {
      case FLOAT32 -> out.asFloatBuffer().put((float[]) values);
      case FLOAT64 -> out.asDoubleBuffer().put((double[]) values);
      case INT64 -> out.asLongBuffer().put((long[]) values);
      case INT32 -> out.asIntBuffer().put((int[]) values);
      case FLOAT16, BFLOAT16 -> out.asShortBuffer().put((short[]) values);
      default -> throw new AssertionError(type);
    }
    return out.array();
  }

  static int checkedNumel(long[] shape) {
    long n = 1;
    for (long d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
      }
      n = Math.multiplyExact(n, d);
      if (n > MAX_ELEMENTS) {
        throw new IllegalArgumentException("shape " + Arrays.toString(shape)
            + " has more elements than a Java array can hold");
      }
    }
    return (int) n;
  }

  private static void requireLength(long[] shape, int length) {
    if (checkedNumel(shape) != length) {
      throw new IllegalArgumentException("data holds " + length + " values but shape "
          + Arrays.toString(shape) + " needs " + checkedNumel(shape));
    }
  }

  /** Equal when type, shape and every value's bits are equal (NaN equals NaN). */
  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof TensorData other) || type != other.type
        || !Arrays.equals(shape, other.shape)) {
      return false;
    }
    return switch (type) {
      case FLOAT32 -> Arrays.equals((float[]) values, (float[]) other.values);
      case FLOAT64 -> Arrays.equals((double[]) values, (double[]) other.values);
      case INT64 -> Arrays.equals((long[]) values, (long[]) other.values);
      case INT32 -> Arrays.equals((int[]) values, (int[]) other.values);
      case FLOAT16, BFLOAT16 -> Arrays.equals((short[]) values, (short[]) other.values);
    };
  }

  @Override
  public int hashCode() {
    int h = Objects.hash(type, Arrays.hashCode(shape));
    return 31 * h + switch (type) {
      case FLOAT32 -> Arrays.hashCode((float[]) values);
      case FLOAT64 -> Arrays.hashCode((double[]) values);
      case INT64 -> Arrays.hashCode((long[]) values);
      case INT32 -> Arrays.hashCode((int[]) values);
      case FLOAT16, BFLOAT16 -> Arrays.hashCode((short[]) values);
    };
  }

  @Override
  public String toString() {
    return "TensorData[" + type + " " + Arrays.toString(shape) + "]";
  }
}
