package io.pcsr.udf.checkpoint;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * A model checkpoint, independent of its file format: the model's name, the arguments that
 * describe its architecture, and its state dict in file order.
 */
public final class Checkpoint {
  private final String modelName;
  private final Map<String, Object> args;
  private final LinkedHashMap<String, TensorData> stateDict;
  private final OptionalLong iteration;

  /**
   * @param args nested {@code Map<String,Object>}, {@code List<Object>}, String, Long, Double,
   *     Boolean or null values, as in the official {@code model['args']}
   */
  public Checkpoint(String modelName, Map<String, Object> args,
      LinkedHashMap<String, TensorData> stateDict, OptionalLong iteration) {
    this.modelName = Objects.requireNonNull(modelName, "modelName");
    Objects.requireNonNull(args, "args");
    this.args = Collections.unmodifiableMap(new LinkedHashMap<>(args));
    this.stateDict = new LinkedHashMap<>(Objects.requireNonNull(stateDict, "stateDict"));
    this.iteration = Objects.requireNonNull(iteration, "iteration");
    this.stateDict.forEach((k, v) -> Objects.requireNonNull(v, () -> "tensor '" + k + "' is null"));
  }

  /** The official model name: 'pcsr-phase1', 'fsrcnn', 'carn', ... */
  public String modelName() {
    return modelName;
  }

  /** The architecture arguments (read-only). */
  public Map<String, Object> args() {
    return args;
  }

  /** The tensors in file order; a copy, so callers may modify it freely. */
  public LinkedHashMap<String, TensorData> stateDict() {
    return new LinkedHashMap<>(stateDict);
  }

  /** The training iteration the checkpoint was saved at, when the file records it. */
  public OptionalLong iteration() {
    return iteration;
  }

  /**
   * The tensor named {@code key}.
   *
   * @throws IllegalArgumentException naming the key and the model when there is no such tensor
   */
  public TensorData tensor(String key) {
    TensorData t = stateDict.get(key);
    if (t == null) {
      throw new IllegalArgumentException("checkpoint of model '" + modelName + "' has no tensor '"
          + key + "' (it has " + stateDict.size() + " tensors)");
    }
    return t;
  }

  @Override
  public String toString() {
    return "Checkpoint[" + modelName + ", " + stateDict.size() + " tensors"
        + (iteration.isPresent() ? ", iter " + iteration.getAsLong() : "") + "]";
  }
}
