package io.pcsr.udf.checkpoint;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Converts unpickled Python values to the plain Java values {@link Checkpoint#args()} holds. */
final class PickleValues {
  /** Deeper than any real config; also stops a self-referencing list from recursing forever. */
  static final int MAX_DEPTH = 64;

  private PickleValues() {}

  /**
   * A Python dict of plain values as an unmodifiable {@code Map<String,Object>}: nested maps,
   * lists (from lists and tuples), String, Long, Double, Boolean and null.
   */
  static Map<String, Object> toArgs(Object value, String where) throws CheckpointException {
    Object converted = toJava(value, where, 0);
    if (!(converted instanceof Map<?, ?>)) {
      throw new CheckpointException(where + " must be a dict, got " + describe(value));
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> map = (Map<String, Object>) converted;
    return map;
  }

  private static Object toJava(Object value, String where, int depth)
      throws CheckpointException {
    if (depth > MAX_DEPTH) {
      throw new CheckpointException(where + " is nested deeper than " + MAX_DEPTH
          + " levels (or refers to itself)");
    }
    if (value == null || value instanceof String || value instanceof Boolean
        || value instanceof Long || value instanceof Double) {
      return value;
    }
    if (value instanceof BigInteger big) {
      if (big.bitLength() < 64) {
        return big.longValue();
      }
      throw new CheckpointException(where + " holds an integer too large for a long: " + big);
    }
    if (value instanceof PyTuple tuple) {
      return toList(tuple.items(), where, depth);
    }
    if (value instanceof List<?> list) {
      return toList(list, where, depth);
    }
    if (value instanceof Map<?, ?> map) {
      LinkedHashMap<String, Object> out = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!(e.getKey() instanceof String key)) {
          throw new CheckpointException(where + " has a non-string key " + describe(e.getKey()));
        }
        out.put(key, toJava(e.getValue(), where + "." + key, depth + 1));
      }
      return Collections.unmodifiableMap(out);
    }
    throw new CheckpointException(where + " holds " + describe(value)
        + ", which is not a plain config value");
  }

  private static List<Object> toList(List<?> items, String where, int depth)
      throws CheckpointException {
    List<Object> out = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      out.add(toJava(items.get(i), where + "[" + i + "]", depth + 1));
    }
    return Collections.unmodifiableList(out);
  }

  /** A short description of an unpickled value for error messages (never its full contents). */
  static String describe(Object value) {
    if (value == null) {
      return "None";
    }
    if (value instanceof String s) {
      return "str '" + printable(s, 60) + "'";
    }
    if (value instanceof Long || value instanceof Double || value instanceof Boolean) {
      return value.getClass().getSimpleName().toLowerCase() + " " + value;
    }
    if (value instanceof PyTuple t) {
      return "tuple of " + t.size();
    }
    if (value instanceof List<?> l) {
      return "list of " + l.size();
    }
    if (value instanceof Map<?, ?> m) {
      return "dict of " + m.size();
    }
    if (value instanceof TorchGlobal g) {
      return "global " + g.qualifiedName();
    }
    if (value instanceof TensorRef) {
      return "tensor";
    }
    if (value instanceof StorageRef) {
      return "storage";
    }
    if (value instanceof byte[] b) {
      return "bytes of " + b.length;
    }
    return value.getClass().getSimpleName();
  }

  /** Escapes control and non-ASCII characters so that file content cannot forge log lines. */
  static String printable(String s, int maxLength) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    for (; i < s.length() && out.length() < maxLength; i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c < 0x7f) {
        out.append(c);
      } else {
        out.append(String.format("\\u%04x", (int) c));
      }
    }
    if (i < s.length()) {
      out.append("...");
    }
    return out.toString();
  }
}
