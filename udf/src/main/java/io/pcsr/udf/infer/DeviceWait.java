package io.pcsr.udf.infer;

import ai.djl.ndarray.NDArray;

/**
 * Waiting for a GPU: CUDA ops return once queued, and the first copy to the host waits for all
 * of them, so a timer read before that copy bills the queued work to whatever copies next.
 */
public final class DeviceWait {
  private DeviceWait() {}

  /**
   * On a GPU, returns once {@code a} is computed, by reading one element back (microseconds).
   * Indexes the element in place: a reshape would copy a channels-last array whole. No-op on
   * a CPU, where every op has finished when it returns.
   */
  public static void until(NDArray a) {
    if (a.getDevice().isGpu() && a.size() > 0) {
      try (NDArray first = a.get(new long[a.getShape().dimension()])) {
        first.toByteArray();
      }
    }
  }
}
