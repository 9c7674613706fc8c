package io.pcsr.udf.image.tiff;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Comparator;
import java.util.List;

/**
 * Serializes one little-endian IFD, classic or BigTIFF, followed by the values too large to
 * sit in their entries. Entries go out sorted by tag, as TIFF requires.
 */
final class TiffDirectory {
  private final boolean bigTiff;
  private final List<TiffField> fields;

  TiffDirectory(List<TiffField> fields, boolean bigTiff) {
    this.bigTiff = bigTiff;
    this.fields = fields.stream().sorted(Comparator.comparingInt(TiffField::tag)).toList();
  }

  /** The IFD and its out-of-line values, for writing at file offset {@code at}. */
  ByteBuffer serialize(long at) {
    int entrySize = bigTiff ? 20 : 12;
    int inline = bigTiff ? 8 : 4;
    long headSize = (bigTiff ? 8 : 2) + (long) fields.size() * entrySize + (bigTiff ? 8 : 4);
    long total = align(headSize);
    for (TiffField f : fields) {
      long n = f.count() * f.type().size();
      if (n > inline) {
        total += align(n);
      }
    }
    ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(total)).order(ByteOrder.LITTLE_ENDIAN);
    if (bigTiff) {
      out.putLong(fields.size());
    } else {
      out.putShort((short) fields.size());
    }
    int dataAt = (int) align(headSize);
    for (TiffField f : fields) {
      byte[] value = f.valueBytes();
      out.putShort((short) f.tag());
      out.putShort((short) f.type().code());
      if (bigTiff) {
        out.putLong(f.count());
      } else {
        out.putInt((int) f.count());
      }
      if (value.length <= inline) {
        out.put(value);
        out.put(new byte[inline - value.length]); // values are left-justified in the entry
      } else {
        long offset = at + dataAt;
        if (bigTiff) {
          out.putLong(offset);
        } else {
          out.putInt((int) offset);
        }
        out.put(dataAt, value);
        dataAt += (int) align(value.length);
      }
    }
    if (bigTiff) {
      out.putLong(0); // no next IFD
    } else {
      out.putInt(0);
    }
    out.clear();
    return out;
  }

  /** TIFF wants word-aligned offsets; 8 keeps BigTIFF's 8-byte values aligned too. */
  static long align(long n) {
    return (n + 7) & ~7L;
  }
}
