package io.pcsr.udf.checkpoint;

import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** JSON for safetensors headers and the args they carry, with the value types of Checkpoint. */
final class JsonValues {
  /**
   * Duplicate keys are refused (two readers could otherwise disagree on a tensor), and NaN /
   * Infinity are written as the bare tokens Python's json module uses, so float args survive a
   * round trip as floats.
   */
  static final ObjectMapper MAPPER = new ObjectMapper(new JsonFactoryBuilder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
      .disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
      .build());

  private JsonValues() {}

  /** A JSON object as the nested Map/List/String/Long/Double/Boolean/null of {@code args()}. */
  static Map<String, Object> toArgs(JsonNode node, String where) throws CheckpointException {
    if (node == null || !node.isObject()) {
      throw new CheckpointException(where + " must be a JSON object");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> map = (Map<String, Object>) toJava(node, where, 0);
    return map;
  }

  private static Object toJava(JsonNode node, String where, int depth)
      throws CheckpointException {
    if (depth > PickleValues.MAX_DEPTH) {
      throw new CheckpointException(where + " is nested deeper than " + PickleValues.MAX_DEPTH
          + " levels");
    }
    if (node.isNull()) {
      return null;
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    if (node.isTextual()) {
      return node.textValue();
    }
    if (node.isIntegralNumber()) {
      if (!node.canConvertToLong()) {
        throw new CheckpointException(where + " holds an integer too large for a long");
      }
      return node.longValue();
    }
    if (node.isNumber()) {
      return node.doubleValue();
    }
    if (node.isArray()) {
      List<Object> out = new ArrayList<>(node.size());
      for (int i = 0; i < node.size(); i++) {
        out.add(toJava(node.get(i), where + "[" + i + "]", depth + 1));
      }
      return Collections.unmodifiableList(out);
    }
    if (node.isObject()) {
      LinkedHashMap<String, Object> out = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        out.put(e.getKey(), toJava(e.getValue(), where + "." + e.getKey(), depth + 1));
      }
      return Collections.unmodifiableMap(out);
    }
    throw new CheckpointException(where + " holds an unsupported JSON value " + node.getNodeType());
  }
}
