package io.pcsr.udf.image;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The .npy byte format: magic "\x93NUMPY", version, header length, a Python dict literal
 * {'descr', 'fortran_order', 'shape'} padded with spaces and '\n', then the raw elements.
 */
final class NpyFormat {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  /** numpy aligns the data to 64 bytes so that it can be memory-mapped. */
  private static final int ALIGNMENT = 64;
  private static final Pattern DESCR =
      Pattern.compile("['\"]descr['\"]\\s*:\\s*['\"]([^'\"]*)['\"]");
  private static final Pattern FORTRAN =
      Pattern.compile("['\"]fortran_order['\"]\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("['\"]shape['\"]\\s*:\\s*\\(([^)]*)\\)");

  private NpyFormat() {}

  /** Parses one .npy file; label names it in error messages. */
  static NpyArray parse(byte[] bytes, String label) {
    if (bytes.length < 10 || !Arrays.equals(Arrays.copyOf(bytes, 6), MAGIC)) {
      throw new IllegalArgumentException(label + ": not a .npy file (bad magic)");
    }
    int major = bytes[6] & 0xff;
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    long headerLength;
    int headerStart;
    if (major == 1) {
      headerLength = b.getShort(8) & 0xffff;
      headerStart = 10;
    } else if (major == 2 || major == 3) {
      if (bytes.length < 12) {
        throw new IllegalArgumentException(label + ": truncated .npy header");
      }
      headerLength = b.getInt(8) & 0xffffffffL;
      headerStart = 12;
    } else {
      throw new IllegalArgumentException(label + ": unsupported .npy version " + major + "."
          + (bytes[7] & 0xff));
    }
    if (headerStart + headerLength > bytes.length) {
      throw new IllegalArgumentException(label + ": truncated .npy header");
    }
    String header = new String(bytes, headerStart, (int) headerLength,
        major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    NpyDtype dtype = NpyDtype.fromDescr(find(DESCR, header, "descr", label));
    if (find(FORTRAN, header, "fortran_order", label).equals("True")) {
      throw new IllegalArgumentException(label + ": Fortran-order arrays are not supported"
          + " (save with np.ascontiguousarray)");
    }
    long[] shape = parseShape(find(SHAPE, header, "shape", label), label);
    int dataStart = headerStart + (int) headerLength;
    long expected = NpyArray.elementCount(shape) * dtype.itemSize();
    if (bytes.length - dataStart != expected) {
      throw new IllegalArgumentException(label + ": " + (bytes.length - dataStart)
          + " data bytes, expected " + expected + " for " + dtype.descr() + " "
          + Arrays.toString(shape));
    }
    return new NpyArray(dtype, shape, Arrays.copyOfRange(bytes, dataStart, bytes.length));
  }

  /** Version 1.0 when the header fits 65535 bytes (always, in practice), else 2.0. */
  static byte[] serialize(NpyArray array) {
    StringBuilder dict = new StringBuilder("{'descr': '").append(array.dtype())
        .append("', 'fortran_order': False, 'shape': (");
    long[] shape = array.shape();
    for (int i = 0; i < shape.length; i++) {
      dict.append(i > 0 ? ", " : "").append(shape[i]);
    }
    dict.append(shape.length == 1 ? ",), }" : "), }");
    int prefix = dict.length() + 1 + 10 > 65535 ? 12 : 10;
    int padding = (ALIGNMENT - (prefix + dict.length() + 1) % ALIGNMENT) % ALIGNMENT;
    String header = dict + " ".repeat(padding) + "\n";
    byte[] headerBytes = header.getBytes(StandardCharsets.ISO_8859_1);
    byte[] data = array.rawBytes();
    ByteBuffer out = ByteBuffer.allocate(prefix + headerBytes.length + data.length)
        .order(ByteOrder.LITTLE_ENDIAN);
    out.put(MAGIC).put((byte) (prefix == 10 ? 1 : 2)).put((byte) 0);
    if (prefix == 10) {
      out.putShort((short) headerBytes.length);
    } else {
      out.putInt(headerBytes.length);
    }
    return out.put(headerBytes).put(data).array();
  }

  private static String find(Pattern pattern, String header, String key, String label) {
    Matcher m = pattern.matcher(header);
    if (!m.find()) {
      throw new IllegalArgumentException(label + ": .npy header has no readable '" + key
          + "' (structured dtypes are not supported): " + header.trim());
    }
    return m.group(1);
  }

  private static long[] parseShape(String tuple, String label) {
    List<Long> dims = new ArrayList<>();
    for (String part : tuple.split(",")) {
      String p = part.trim();
      if (p.endsWith("L")) { // Python 2 longs
        p = p.substring(0, p.length() - 1);
      }
      if (!p.isEmpty()) {
        try {
          dims.add(Long.parseLong(p));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(label + ": bad shape (" + tuple + ")", e);
        }
      }
    }
    return dims.stream().mapToLong(Long::longValue).toArray();
  }
}
