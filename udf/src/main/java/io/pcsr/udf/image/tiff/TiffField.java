package io.pcsr.udf.image.tiff;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One TIFF tag with its values, as carried from an input file to an output file.
 *
 * <p>{@code values} is a byte[] for BYTE, SBYTE and UNDEFINED; a long[] for the integer types
 * and for rationals (numerator, denominator pairs, so a copied rational stays bit-exact); a
 * double[] for FLOAT and DOUBLE; a String for ASCII (several strings joined by NUL, without the
 * final NUL). Arrays are copied in and out, so a field is immutable.
 */
public record TiffField(int tag, TiffType type, Object values) implements Serializable {
  private static final int CODEC_VERSION = 1;

  public TiffField {
    if (tag < 0 || tag > 0xFFFF) {
      throw new IllegalArgumentException("TIFF tag " + tag + " is not a 16-bit number");
    }
    Objects.requireNonNull(type, "type");
    values = copyChecked(tag, type, Objects.requireNonNull(values, "values"));
  }

  public static TiffField ascii(int tag, String text) {
    return new TiffField(tag, TiffType.ASCII, text);
  }

  public static TiffField shorts(int tag, int... values) {
    return new TiffField(tag, TiffType.SHORT, Arrays.stream(values).asLongStream().toArray());
  }

  public static TiffField integers(int tag, TiffType type, long... values) {
    return new TiffField(tag, type, values);
  }

  public static TiffField doubles(int tag, double... values) {
    return new TiffField(tag, TiffType.DOUBLE, values);
  }

  public static TiffField bytes(int tag, TiffType type, byte... values) {
    return new TiffField(tag, type, values);
  }

  /** Number of values as TIFF counts them (rationals count once per pair, ASCII with its NUL). */
  public long count() {
    return switch (type.storage()) {
      case BYTES -> ((byte[]) values).length;
      case INTEGERS -> ((long[]) values).length / (type.isRational() ? 2 : 1);
      case REALS -> ((double[]) values).length;
      case TEXT -> text().getBytes(StandardCharsets.UTF_8).length + 1;
    };
  }

  public long[] integers() { return ((long[]) as(TiffType.Storage.INTEGERS)).clone(); }

  public double[] reals() { return ((double[]) as(TiffType.Storage.REALS)).clone(); }

  public byte[] bytes() { return ((byte[]) as(TiffType.Storage.BYTES)).clone(); }

  public String text() { return (String) as(TiffType.Storage.TEXT); }

  @Override public Object values() {
    return values instanceof String ? values : cloneArray(values);
  }

  /** Any numeric field as doubles: rationals as their quotient, bytes signed or not per type. */
  public double[] asDoubles() {
    switch (type.storage()) {
      case REALS:
        return reals();
      case INTEGERS: {
        long[] v = (long[]) values;
        if (!type.isRational()) {
          return Arrays.stream(v).asDoubleStream().toArray();
        }
        double[] out = new double[v.length / 2];
        for (int i = 0; i < out.length; i++) {
          out[i] = (double) v[2 * i] / v[2 * i + 1];
        }
        return out;
      }
      case BYTES: {
        byte[] v = (byte[]) values;
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
          out[i] = type == TiffType.SBYTE ? v[i] : v[i] & 0xFF;
        }
        return out;
      }
      default:
        throw new IllegalStateException("tag " + tag + " is ASCII, not numeric");
    }
  }

  /** A copy of this field with other values of the same type. */
  public TiffField withValues(Object newValues) {
    return new TiffField(tag, type, newValues);
  }

  /** The values as they are stored in a little-endian TIFF file. */
  public byte[] valueBytes() {
    if (type == TiffType.ASCII) {
      byte[] text = text().getBytes(StandardCharsets.UTF_8);
      return Arrays.copyOf(text, text.length + 1);
    }
    if (type.storage() == TiffType.Storage.BYTES) {
      return bytes();
    }
    ByteBuffer buf = ByteBuffer.allocate(Math.toIntExact(count() * type.size()))
        .order(ByteOrder.LITTLE_ENDIAN);
    if (type.storage() == TiffType.Storage.REALS) {
      for (double d : (double[]) values) {
        if (type == TiffType.FLOAT) {
          buf.putFloat((float) d);
        } else {
          buf.putDouble(d);
        }
      }
    } else {
      int width = type.isRational() ? type.size() / 2 : type.size();
      for (long v : (long[]) values) {
        switch (width) {
          case 2 -> buf.putShort((short) v);
          case 4 -> buf.putInt((int) v);
          default -> buf.putLong(v);
        }
      }
    }
    return buf.array();
  }

  /** The inverse of {@link #valueBytes()}: {@code count} values read from a TIFF's bytes. */
  public static TiffField fromValueBytes(int tag, TiffType type, long count, byte[] bytes,
      ByteOrder order) {
    long expected = count * type.size();
    if (expected != bytes.length) {
      throw new IllegalArgumentException("tag " + tag + ": " + count + " " + type + " values need "
          + expected + " bytes, got " + bytes.length);
    }
    if (type == TiffType.ASCII) {
      int end = bytes.length;
      while (end > 0 && bytes[end - 1] == 0) {
        end--;
      }
      return ascii(tag, new String(bytes, 0, end, StandardCharsets.UTF_8));
    }
    if (type.storage() == TiffType.Storage.BYTES) {
      return bytes(tag, type, bytes);
    }
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(order);
    if (type.storage() == TiffType.Storage.REALS) {
      double[] out = new double[(int) count];
      for (int i = 0; i < out.length; i++) {
        out[i] = type == TiffType.FLOAT ? buf.getFloat() : buf.getDouble();
      }
      return doubles(tag, out).retyped(type);
    }
    boolean signed = type == TiffType.SSHORT || type == TiffType.SLONG
        || type == TiffType.SRATIONAL || type == TiffType.SLONG8;
    int width = type.isRational() ? type.size() / 2 : type.size();
    long[] out = new long[(int) (count * (type.isRational() ? 2 : 1))];
    for (int i = 0; i < out.length; i++) {
      out[i] = switch (width) {
        case 2 -> signed ? buf.getShort() : buf.getShort() & 0xFFFFL;
        case 4 -> signed ? buf.getInt() : buf.getInt() & 0xFFFF_FFFFL;
        default -> buf.getLong();
      };
    }
    return integers(tag, type, out);
  }

  /**
   * A compact binary form of a field list, for a binary column of a Spark row: a version, then
   * per field its tag, type code, count and little-endian value bytes.
   */
  public static byte[] encodeAll(List<TiffField> fields) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(CODEC_VERSION);
      out.writeInt(fields.size());
      for (TiffField f : fields) {
        byte[] value = f.valueBytes();
        out.writeShort(f.tag);
        out.writeShort(f.type.code());
        out.writeLong(f.count());
        out.writeInt(value.length);
        out.write(value);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  public static List<TiffField> decodeAll(byte[] encoded) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(encoded))) {
      int version = in.readUnsignedByte();
      if (version != CODEC_VERSION) {
        throw new IllegalArgumentException("TIFF field list version " + version
            + ", this code reads version " + CODEC_VERSION);
      }
      int n = in.readInt();
      List<TiffField> fields = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        int tag = in.readUnsignedShort();
        TiffType type = TiffType.fromCode(in.readUnsignedShort());
        long count = in.readLong();
        byte[] value = new byte[in.readInt()];
        in.readFully(value);
        fields.add(fromValueBytes(tag, type, count, value, ByteOrder.LITTLE_ENDIAN));
      }
      return fields;
    } catch (IOException e) {
      throw new IllegalArgumentException("truncated TIFF field list", e);
    }
  }

  private TiffField retyped(TiffType realType) {
    return realType == type ? this : new TiffField(tag, realType, values);
  }

  private Object as(TiffType.Storage storage) {
    if (type.storage() != storage) {
      throw new IllegalStateException("tag " + tag + " holds " + type + " values, not "
          + storage.name().toLowerCase());
    }
    return values;
  }

  private static Object copyChecked(int tag, TiffType type, Object values) {
    boolean fits = switch (type.storage()) {
      case BYTES -> values instanceof byte[];
      case INTEGERS -> values instanceof long[];
      case REALS -> values instanceof double[];
      case TEXT -> values instanceof String;
    };
    if (!fits) {
      throw new IllegalArgumentException("tag " + tag + ": " + type + " values belong in a "
          + type.storage().name().toLowerCase() + " container, got "
          + values.getClass().getSimpleName());
    }
    if (values instanceof long[] v) {
      checkRange(tag, type, v);
    }
    return values instanceof String ? values : cloneArray(values);
  }

  // Range checks here, not at write time, so a bad value is reported where it was made.
  private static void checkRange(int tag, TiffType type, long[] v) {
    if (type.isRational() && v.length % 2 != 0) {
      throw new IllegalArgumentException("tag " + tag + ": rationals need numerator/denominator"
          + " pairs, got " + v.length + " numbers");
    }
    long min;
    long max;
    switch (type) {
      case SHORT -> { min = 0; max = 0xFFFF; }
      case SSHORT -> { min = Short.MIN_VALUE; max = Short.MAX_VALUE; }
      case LONG, RATIONAL -> { min = 0; max = 0xFFFF_FFFFL; }
      case SLONG, SRATIONAL -> { min = Integer.MIN_VALUE; max = Integer.MAX_VALUE; }
      default -> { return; }
    }
    for (long x : v) {
      if (x < min || x > max) {
        throw new IllegalArgumentException("tag " + tag + ": " + x + " does not fit " + type);
      }
    }
  }

  private static Object cloneArray(Object array) {
    if (array instanceof byte[] b) {
      return b.clone();
    }
    if (array instanceof long[] l) {
      return l.clone();
    }
    return ((double[]) array).clone();
  }

  @Override public boolean equals(Object o) {
    return o instanceof TiffField f && f.tag == tag && f.type == type
        && Objects.deepEquals(f.values, values);
  }

  @Override public int hashCode() {
    return Objects.hash(tag, type, Arrays.deepHashCode(new Object[] {values}));
  }

  @Override public String toString() {
    String shown = switch (type.storage()) {
      case BYTES -> Arrays.toString((byte[]) values);
      case INTEGERS -> Arrays.toString((long[]) values);
      case REALS -> Arrays.toString((double[]) values);
      case TEXT -> '"' + (String) values + '"';
    };
    if (shown.length() > 200) {
      shown = shown.substring(0, 200) + "...";
    }
    return "TiffField[" + tag + " " + type + " " + shown + "]";
  }
}
