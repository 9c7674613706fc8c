package io.pcsr.udf.checkpoint;

import java.util.Optional;

/** Element types a checkpoint tensor may have, with their byte size and safetensors dtype name. */
public enum TensorType {
  FLOAT32(4, "F32", true),
  FLOAT64(8, "F64", true),
  INT64(8, "I64", false),
  INT32(4, "I32", false),
  FLOAT16(2, "F16", true),
  BFLOAT16(2, "BF16", true);

  private final int byteSize;
  private final String safetensorsName;
  private final boolean floatingPoint;

  TensorType(int byteSize, String safetensorsName, boolean floatingPoint) {
    this.byteSize = byteSize;
    this.safetensorsName = safetensorsName;
    this.floatingPoint = floatingPoint;
  }

  /** Bytes per element. */
  public int byteSize() {
    return byteSize;
  }

  /** The dtype string of the safetensors header ("F32", "I64", ...). */
  public String safetensorsName() {
    return safetensorsName;
  }

  public boolean isFloatingPoint() {
    return floatingPoint;
  }

  public static Optional<TensorType> fromSafetensorsName(String dtype) {
    for (TensorType t : values()) {
      if (t.safetensorsName.equals(dtype)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }
}
