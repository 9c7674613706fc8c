package io.pcsr.udf.model;

import java.util.List;
import java.util.Map;

/** Typed reads of a checkpoint's nested {@code args} tree, with errors that say where. */
final class ModelArgs {
  private final Map<String, Object> map;
  private final String path;

  ModelArgs(Map<String, Object> map, String path) {
    this.map = map == null ? Map.of() : map;
    this.path = path;
  }

  @SuppressWarnings("unchecked")
  ModelArgs child(String key) {
    Object v = map.get(key);
    if (!(v instanceof Map)) {
      throw new IllegalArgumentException("model args: '" + path + key + "' is missing or not a map");
    }
    return new ModelArgs((Map<String, Object>) v, path + key + ".");
  }

  String string(String key) {
    Object v = map.get(key);
    if (!(v instanceof String s)) {
      throw new IllegalArgumentException("model args: '" + path + key + "' is missing or not a string");
    }
    return s;
  }

  int integer(String key, int fallback) {
    Object v = map.get(key);
    if (v == null) {
      return fallback;
    }
    if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
      throw new IllegalArgumentException("model args: '" + path + key + "' is not an integer: " + v);
    }
    return n.intValue();
  }

  boolean bool(String key, boolean fallback) {
    Object v = map.get(key);
    return v instanceof Boolean b ? b : fallback;
  }

  List<Integer> integers(String key) {
    Object v = map.get(key);
    if (!(v instanceof List<?> list)) {
      throw new IllegalArgumentException("model args: '" + path + key + "' is missing or not a list");
    }
    return list.stream().map(o -> {
      if (!(o instanceof Number n) || n.intValue() <= 0) {
        throw new IllegalArgumentException("model args: '" + path + key + "' holds " + o);
      }
      return n.intValue();
    }).toList();
  }
}
