package io.pcsr.udf.checkpoint;

/**
 * Upper bounds a reader checks against the sizes a file declares, before allocating anything, so
 * that a hostile or corrupt file fails with a clear message instead of exhausting memory.
 *
 * @param maxTensorElements most elements one tensor (or the storage behind it) may declare
 * @param maxTotalElements most elements all tensors of the state dict together may hold
 */
public record ReadLimits(long maxTensorElements, long maxTotalElements) {
  /** 512 Mi elements per tensor, 1 Gi in all: far above any super-resolution model. */
  public static final ReadLimits DEFAULT = new ReadLimits(512L << 20, 1L << 30);

  public ReadLimits {
    if (maxTensorElements <= 0 || maxTotalElements <= 0) {
      throw new IllegalArgumentException("limits must be positive: " + maxTensorElements + ", "
          + maxTotalElements);
    }
  }
}
