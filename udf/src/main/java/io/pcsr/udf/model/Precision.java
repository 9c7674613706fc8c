package io.pcsr.udf.model;

import ai.djl.ndarray.types.DataType;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Number format of a PCSR model's weights and activations inside the engine (backbone,
 * classifier, both upsamplers). Inputs are converted once on the way in and results come back
 * as float32, so the bilinear residual, routing and quantisation never see the narrow type.
 */
public enum Precision {
  FLOAT32(DataType.FLOAT32, 4),
  FLOAT16(DataType.FLOAT16, 2),
  BFLOAT16(DataType.BFLOAT16, 2);

  private final DataType dataType;
  private final int bytes;

  Precision(DataType dataType, int bytes) {
    this.dataType = dataType;
    this.bytes = bytes;
  }

  /** The name used in configuration and on the command line: float32, float16, bfloat16. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public DataType dataType() { return dataType; }

  /** Bytes per element: what batch sizing by free memory divides by. */
  public int bytes() { return bytes; }

  /** Parses a label (case-insensitive); null or blank means the default, float32. */
  public static Precision parse(String text) {
    if (text == null || text.isBlank()) {
      return FLOAT32;
    }
    String t = text.trim().toLowerCase(Locale.ROOT);
    for (Precision p : values()) {
      if (p.label().equals(t)) {
        return p;
      }
    }
    throw new IllegalArgumentException("precision must be one of "
        + Arrays.stream(values()).map(Precision::label).collect(Collectors.joining(", "))
        + ", got '" + text + "'");
  }

  /**
   * Refuses a precision this build cannot run, before any tensor of that type exists. bfloat16:
   * DJL 0.36's PyTorch JNI has no mapping for it, and creating or casting a bfloat16 tensor
   * does not throw but aborts the whole JVM ("terminate called without an active exception",
   * observed on libtorch 2.7.1 CPU), which on an executor would kill every task it runs.
   */
  public void requireRunnable() {
    if (this == BFLOAT16) {
      throw new UnsupportedOperationException("precision bfloat16 cannot run on DJL 0.36's "
          + "PyTorch engine: creating a bfloat16 tensor aborts the JVM. Use float16 (on a GPU, or "
          + "a CPU with AVX-512 FP16) or float32.");
    }
  }
}
