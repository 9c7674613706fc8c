package io.pcsr.udf.checkpoint;

import java.util.Optional;

/**
 * The only Python globals a checkpoint pickle may name. Each is data-only here: the unpickler
 * maps it to a Java value constructor; nothing is looked up or instantiated reflectively.
 */
enum TorchGlobal {
  ORDERED_DICT("collections", "OrderedDict", null),
  REBUILD_TENSOR_V2("torch._utils", "_rebuild_tensor_v2", null),
  REBUILD_PARAMETER("torch._utils", "_rebuild_parameter", null),
  FLOAT_STORAGE("torch", "FloatStorage", TensorType.FLOAT32),
  DOUBLE_STORAGE("torch", "DoubleStorage", TensorType.FLOAT64),
  HALF_STORAGE("torch", "HalfStorage", TensorType.FLOAT16),
  BFLOAT16_STORAGE("torch", "BFloat16Storage", TensorType.BFLOAT16),
  LONG_STORAGE("torch", "LongStorage", TensorType.INT64),
  INT_STORAGE("torch", "IntStorage", TensorType.INT32);

  private final String module;
  private final String name;
  private final TensorType storageType;

  TorchGlobal(String module, String name, TensorType storageType) {
    this.module = module;
    this.name = name;
    this.storageType = storageType;
  }

  static Optional<TorchGlobal> lookup(String module, String name) {
    for (TorchGlobal g : values()) {
      if (g.module.equals(module) && g.name.equals(name)) {
        return Optional.of(g);
      }
    }
    return Optional.empty();
  }

  /** The element type when this global is a storage class (used in persistent ids). */
  Optional<TensorType> storageType() {
    return Optional.ofNullable(storageType);
  }

  String qualifiedName() {
    return module + "." + name;
  }
}
