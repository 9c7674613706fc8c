package io.pcsr.udf.checkpoint;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Maps the unpickled object of an official PCSR checkpoint, {@code {'model': {'name', 'args',
 * 'sd'}, 'optimizer', 'lr_scheduler', 'iter'}}, to a {@link Checkpoint}. Only the model's
 * tensors are materialised; optimizer state is left as unread references.
 */
final class PcsrLayout {
  private PcsrLayout() {}

  static Checkpoint toCheckpoint(Object top, TorchStorages storages, ReadLimits limits,
      String source) throws CheckpointException {
    Map<?, ?> root = dict(top, "the checkpoint", source);
    Object modelValue = root.get("model");
    if (modelValue == null) {
      throw new CheckpointException(source + ": no 'model' entry (expected the PCSR layout "
          + "{'model': {'name', 'args', 'sd'}, ...}; top-level keys: " + keys(root) + ")");
    }
    Map<?, ?> model = dict(modelValue, "model", source);
    if (!(model.get("name") instanceof String name)) {
      throw new CheckpointException(source + ": model['name'] must be a string, got "
          + PickleValues.describe(model.get("name")));
    }
    Map<String, Object> args = model.containsKey("args")
        ? PickleValues.toArgs(model.get("args"), source + ": model['args']")
        : Map.of();
    Map<?, ?> sd = dict(model.get("sd"), "model['sd']", source);
    return new Checkpoint(name, args, tensors(sd, storages, limits, source),
        iteration(root.get("iter"), source));
  }

  private static LinkedHashMap<String, TensorData> tensors(Map<?, ?> sd, TorchStorages storages,
      ReadLimits limits, String source) throws CheckpointException {
    LinkedHashMap<String, TensorData> out = new LinkedHashMap<>();
    long total = 0;
    for (Map.Entry<?, ?> e : sd.entrySet()) {
      if (!(e.getKey() instanceof String key)) {
        throw new CheckpointException(source + ": state dict key "
            + PickleValues.describe(e.getKey()) + " is not a string");
      }
      if (!(e.getValue() instanceof TensorRef ref)) {
        throw new CheckpointException(source + ": state dict entry '"
            + PickleValues.printable(key, 200) + "' is " + PickleValues.describe(e.getValue())
            + ", not a tensor");
      }
      TensorData tensor = TensorAssembler.assemble(key, ref, storages.bytes(ref.storage()),
          limits, source);
      total += tensor.numel();
      if (total > limits.maxTotalElements()) {
        throw new CheckpointException(source + ": the state dict holds more than "
            + limits.maxTotalElements() + " elements (ReadLimits.maxTotalElements)");
      }
      out.put(key, tensor);
    }
    return out;
  }

  private static OptionalLong iteration(Object value, String source) throws CheckpointException {
    if (value == null) {
      return OptionalLong.empty();
    }
    if (value instanceof Long iter) {
      return OptionalLong.of(iter);
    }
    throw new CheckpointException(source + ": 'iter' must be an integer, got "
        + PickleValues.describe(value));
  }

  private static Map<?, ?> dict(Object value, String what, String source)
      throws CheckpointException {
    if (!(value instanceof Map<?, ?> map)) {
      throw new CheckpointException(source + ": " + what + " must be a dict, got "
          + PickleValues.describe(value));
    }
    return map;
  }

  private static String keys(Map<?, ?> map) {
    StringBuilder out = new StringBuilder("[");
    int shown = 0;
    for (Object k : map.keySet()) {
      if (shown++ == 10) {
        out.append(", ...");
        break;
      }
      out.append(shown > 1 ? ", " : "").append(k instanceof String s
          ? PickleValues.printable(s, 40) : PickleValues.describe(k));
    }
    return out.append("]").toString();
  }
}
