package io.pcsr.udf.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.pcsr.udf.checkpoint.Checkpoint;
import io.pcsr.udf.checkpoint.TensorData;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * A checkpoint's state dict seen through a key prefix, turned into NDArrays on demand. Keeps
 * track of which keys a model read, so that a checkpoint with keys the architecture does not
 * use (a model that does not match its declared architecture) is refused instead of silently
 * half-loaded.
 */
public final class Weights {
  private final Map<String, TensorData> stateDict;
  private final String prefix;
  private final NDManager manager;
  private final Set<String> used;
  private final String source;
  private final Precision precision;

  public Weights(Checkpoint checkpoint, NDManager manager, String source) {
    this(checkpoint, manager, source, Precision.FLOAT32);
  }

  /** As above, with every array this hands out converted to {@code precision}. */
  public Weights(Checkpoint checkpoint, NDManager manager, String source, Precision precision) {
    this(checkpoint.stateDict(), "", manager, new HashSet<>(), source, precision);
  }

  private Weights(Map<String, TensorData> stateDict, String prefix, NDManager manager,
      Set<String> used, String source, Precision precision) {
    this.stateDict = stateDict;
    this.prefix = prefix;
    this.manager = manager;
    this.used = used;
    this.source = source;
    this.precision = precision;
  }

  /** The same state dict, with {@code name + "."} appended to the prefix. */
  public Weights at(String name) {
    return new Weights(stateDict, prefix + name + ".", manager, used, source, precision);
  }

  public NDManager manager() { return manager; }

  public boolean has(String key) { return stateDict.containsKey(prefix + key); }

  public TensorData tensor(String key) {
    String full = prefix + key;
    TensorData t = stateDict.get(full);
    if (t == null) {
      throw new IllegalArgumentException("checkpoint " + source + " has no tensor '" + full
          + "' required by its declared architecture");
    }
    used.add(full);
    return t;
  }

  /** The tensor, checked against the shape the architecture expects. */
  public float[] floats(String key, long... expectedShape) {
    TensorData t = tensor(key);
    if (expectedShape.length > 0 && !java.util.Arrays.equals(t.shape(), expectedShape)) {
      throw new IllegalArgumentException("checkpoint " + source + ": tensor '" + prefix + key
          + "' has shape " + java.util.Arrays.toString(t.shape()) + ", the declared architecture needs "
          + java.util.Arrays.toString(expectedShape));
    }
    return t.toFloats();
  }

  public NDArray array(String key, long... expectedShape) {
    float[] v = floats(key, expectedShape);
    return inPrecision(manager.create(v, new Shape(tensor(key).shape())));
  }

  public NDArray array(float[] values, long... shape) {
    return inPrecision(manager.create(values, new Shape(shape)));
  }

  public Precision precision() { return precision; }

  /** Weights are read and derived (BatchNorm folding, splits) in float32, then narrowed once. */
  private NDArray inPrecision(NDArray f32) {
    if (precision == Precision.FLOAT32) {
      return f32;
    }
    NDArray narrow = f32.toType(precision.dataType(), false);
    f32.close();
    return narrow;
  }

  /** Keys of the whole state dict that no layer has read (ignoring BN step counters). */
  public Set<String> unusedKeys() {
    Set<String> unused = new java.util.TreeSet<>(stateDict.keySet());
    unused.removeAll(used);
    unused.removeIf(k -> k.endsWith("num_batches_tracked"));
    return unused;
  }

  public String source() { return source; }
}
