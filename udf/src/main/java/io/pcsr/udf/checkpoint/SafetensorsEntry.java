package io.pcsr.udf.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;

/** One validated tensor entry of a safetensors header; offsets are relative to the data start. */
record SafetensorsEntry(TensorType type, long[] shape, long begin, long end) {

  static SafetensorsEntry parse(String key, JsonNode node, long dataLength, String source)
      throws CheckpointException {
    String where = source + ": tensor '" + PickleValues.printable(key, 200) + "'";
    if (!node.isObject()) {
      throw new CheckpointException(where + " must be a JSON object");
    }
    JsonNode dtype = node.get("dtype");
    if (dtype == null || !dtype.isTextual()) {
      throw new CheckpointException(where + " has no dtype");
    }
    TensorType type = TensorType.fromSafetensorsName(dtype.textValue()).orElseThrow(() ->
        new CheckpointException(where + " has unsupported dtype '"
            + PickleValues.printable(dtype.textValue(), 20) + "'"));
    long[] shape = nonNegativeLongs(node.get("shape"), -1, "shape", where);
    long[] offsets = nonNegativeLongs(node.get("data_offsets"), 2, "data_offsets", where);
    long begin = offsets[0];
    long end = offsets[1];
    if (begin > end || end > dataLength) {
      throw new CheckpointException(where + " has data_offsets " + Arrays.toString(offsets)
          + " outside the data buffer of " + dataLength + " bytes");
    }
    long numel;
    try {
      numel = TensorData.checkedNumel(shape);
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new CheckpointException(where + " has an impossible shape " + Arrays.toString(shape));
    }
    if (end - begin != numel * type.byteSize()) {
      throw new CheckpointException(where + " has " + (end - begin) + " bytes but shape "
          + Arrays.toString(shape) + " of " + type + " needs " + numel * type.byteSize());
    }
    return new SafetensorsEntry(type, shape, begin, end);
  }

  private static long[] nonNegativeLongs(JsonNode node, int expectedLength, String what,
      String where) throws CheckpointException {
    if (node == null || !node.isArray()
        || (expectedLength >= 0 && node.size() != expectedLength)) {
      throw new CheckpointException(where + " needs " + what + " as an array"
          + (expectedLength >= 0 ? " of " + expectedLength + " integers" : " of integers"));
    }
    long[] out = new long[node.size()];
    for (int i = 0; i < out.length; i++) {
      JsonNode v = node.get(i);
      if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
        throw new CheckpointException(where + " has a bad " + what + " value " + v);
      }
      out[i] = v.longValue();
    }
    return out;
  }
}
