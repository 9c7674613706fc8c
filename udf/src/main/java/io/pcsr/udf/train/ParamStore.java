package io.pcsr.udf.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import io.pcsr.udf.checkpoint.TensorData;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The tensors of a training network under their official state-dict keys, in registration
 * (= official file) order: learnable parameters (which carry gradients while they are
 * trainable) and BatchNorm buffers. Saving is a straight walk over this map.
 *
 * <p>Memory: results of NDArray operations live in the manager of their first operand, so an
 * operation that starts from a parameter (a reshape, a slice) leaves a temporary here.
 * {@link #sweep()} closes everything in this manager that is not a registered tensor; the trainer
 * calls it after every step.
 */
final class ParamStore implements AutoCloseable {
  private final NDManager manager;
  private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>();
  private final SplittableRandom random;

  /** A registered tensor: a float parameter/buffer, or a BatchNorm step counter (INT64 scalar). */
  private static final class Entry {
    final NDArray array; // null for counters
    final boolean learnable;
    long counter;
    boolean trainable;

    Entry(NDArray array, boolean learnable) {
      this.array = array;
      this.learnable = learnable;
    }
  }

  ParamStore(NDManager parent, long seed) {
    this.manager = parent.newSubManager();
    this.random = new SplittableRandom(seed);
  }

  NDManager manager() { return manager; }

  /**
   * A learnable tensor initialised as PyTorch initialises Conv2d/Linear: uniform in
   * +-1/sqrt(fanIn) (kaiming_uniform with a = sqrt(5) for weights; the same bound for biases).
   */
  NDArray uniform(String key, int fanIn, long... shape) {
    double bound = 1.0 / Math.sqrt(fanIn);
    float[] v = new float[numel(shape)];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
    }
    return add(key, v, true, shape);
  }

  /** A learnable tensor with every element {@code value} (PReLU slope 0.25, BN weight 1, ...). */
  NDArray constant(String key, float value, long... shape) {
    float[] v = new float[numel(shape)];
    Arrays.fill(v, value);
    return add(key, v, true, shape);
  }

  /** A non-learnable float buffer (BN running statistics). */
  NDArray buffer(String key, float value, long... shape) {
    float[] v = new float[numel(shape)];
    Arrays.fill(v, value);
    return add(key, v, false, shape);
  }

  /** A BatchNorm {@code num_batches_tracked} counter (INT64 scalar in the state dict). */
  void counter(String key) {
    requireNew(key);
    entries.put(key, new Entry(null, false));
  }

  void increment(String key) {
    entries.get(key).counter++;
  }

  private NDArray add(String key, float[] values, boolean learnable, long... shape) {
    requireNew(key);
    NDArray a = manager.create(values, new Shape(shape));
    entries.put(key, new Entry(a, learnable));
    return a;
  }

  private void requireNew(String key) {
    if (entries.containsKey(key)) {
      throw new IllegalStateException("tensor '" + key + "' registered twice");
    }
  }

  /**
   * Marks the learnable tensors whose key starts with one of {@code prefixes} as trainable (they
   * get gradients) and every other one as frozen.
   */
  void setTrainable(List<String> prefixes) {
    for (Map.Entry<String, Entry> e : entries.entrySet()) {
      Entry en = e.getValue();
      if (!en.learnable) {
        continue;
      }
      boolean on = prefixes.stream().anyMatch(e.getKey()::startsWith);
      en.trainable = on;
      en.array.setRequiresGradient(on);
    }
  }

  /** Trainable tensors in state-dict order. */
  LinkedHashMap<String, NDArray> trainable() {
    LinkedHashMap<String, NDArray> out = new LinkedHashMap<>();
    entries.forEach((k, e) -> {
      if (e.trainable) {
        out.put(k, e.array);
      }
    });
    return out;
  }

  /** Every learnable tensor, trainable or frozen. */
  List<String> learnableKeys() {
    List<String> out = new ArrayList<>();
    entries.forEach((k, e) -> {
      if (e.learnable) {
        out.add(k);
      }
    });
    return out;
  }

  Set<String> keys() { return Collections.unmodifiableSet(entries.keySet()); }

  NDArray get(String key) {
    Entry e = entries.get(key);
    if (e == null || e.array == null) {
      throw new IllegalArgumentException("no tensor '" + key + "'");
    }
    return e.array;
  }

  /** The state dict in official order: FLOAT32 tensors, INT64 scalars for the counters. */
  LinkedHashMap<String, TensorData> stateDict() {
    LinkedHashMap<String, TensorData> out = new LinkedHashMap<>();
    entries.forEach((k, e) -> out.put(k, e.array == null
        ? TensorData.ofLongs(new long[0], new long[] {e.counter})
        : TensorData.ofFloats(e.array.getShape().getShape(), e.array.toFloatArray())));
    return out;
  }

  /**
   * Copies every tensor whose key starts with {@code prefix} from {@code sd}; each must exist
   * there with the same shape. Returns how many were loaded.
   */
  int load(Map<String, TensorData> sd, String prefix, String source) {
    int n = 0;
    for (Map.Entry<String, Entry> e : entries.entrySet()) {
      String key = e.getKey();
      if (!key.startsWith(prefix)) {
        continue;
      }
      TensorData t = sd.get(key);
      if (t == null) {
        throw new IllegalArgumentException(source + " has no tensor '" + key + "'");
      }
      Entry en = e.getValue();
      if (en.array == null) {
        en.counter = t.toLongs()[0];
      } else {
        long[] want = en.array.getShape().getShape();
        if (!Arrays.equals(want, t.shape())) {
          throw new IllegalArgumentException(source + ": tensor '" + key + "' has shape "
              + Arrays.toString(t.shape()) + ", this architecture needs " + Arrays.toString(want));
        }
        try (NDArray v = manager.create(t.toFloats(), new Shape(want))) {
          assign(en.array, v);
        }
      }
      n++;
    }
    return n;
  }

  /** Overwrites {@code target}'s values in place, outside autograd. */
  static void assign(NDArray target, NDArray values) {
    boolean grad = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    try {
      target.muli(0).addi(values);
    } finally {
      JniUtils.setGradMode(grad);
    }
  }

  /** Clears the accumulated gradients of the trainable tensors. */
  void zeroGradients() {
    entries.values().forEach(e -> {
      if (e.trainable && e.array.hasGradient()) {
        JniUtils.zeroGrad((PtNDArray) e.array);
      }
    });
  }

  /** Closes every array of this store's manager that is not a registered tensor. */
  void sweep() {
    Set<NDArray> keep = Collections.newSetFromMap(new IdentityHashMap<>());
    entries.values().forEach(e -> {
      if (e.array != null) {
        keep.add(e.array);
      }
    });
    for (NDArray a : manager.getManagedArrays()) {
      if (!keep.contains(a)) {
        a.close();
      }
    }
  }

  /** Registered tensors held as NDArrays (all but the BatchNorm counters). */
  int arrayCount() {
    return (int) entries.values().stream().filter(e -> e.array != null).count();
  }

  long learnableParameterCount() {
    long n = 0;
    for (Entry e : entries.values()) {
      if (e.learnable) {
        n += e.array.size();
      }
    }
    return n;
  }

  static int numel(long... shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return Math.toIntExact(n);
  }

  @Override public void close() {
    manager.close();
  }
}
