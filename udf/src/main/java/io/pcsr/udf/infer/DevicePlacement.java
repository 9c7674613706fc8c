package io.pcsr.udf.infer;

import ai.djl.Device;

/**
 * The device a task's engine computes on, from the GPU addresses the cluster manager assigned to
 * the task and the GPUs this JVM can see.
 *
 * <p>With GPU isolation (YARN with isolation, Kubernetes, Docker {@code --gpus}) an executor sees
 * only its own GPUs, renumbered from 0, while Spark still reports the node-wide address (say "3");
 * without it (a standalone worker, or YARN without isolation) every executor sees all of a node's
 * GPUs and must use the one it was given, or they all crowd onto GPU 0.
 */
public final class DevicePlacement {
  private DevicePlacement() {}

  /**
   * @param assigned the task's GPU addresses from Spark (may be null or empty)
   * @param visibleGpus GPUs this JVM sees (CUDA's device count)
   * @param fallback the device to use when no GPU was assigned: DJL's default
   * @return {@code gpu(address)} when the first assigned address is a visible device index and
   *     more than one GPU is visible; {@code gpu(0)} when one GPU is visible or the address lies
   *     beyond the visible ones (isolation renumbered them); {@code fallback} when nothing was
   *     assigned, no GPU is visible, or the address is not a number (a MIG or UUID name, which
   *     CUDA_VISIBLE_DEVICES resolves before the JVM starts)
   */
  public static Device forTask(String[] assigned, int visibleGpus, Device fallback) {
    if (assigned == null || assigned.length == 0 || visibleGpus < 1) {
      return fallback;
    }
    int address;
    try {
      address = Integer.parseInt(assigned[0].trim());
    } catch (NumberFormatException e) {
      return fallback;
    }
    if (visibleGpus == 1 || address < 0 || address >= visibleGpus) {
      return Device.gpu(0);
    }
    return Device.gpu(address);
  }

  /** A short name for logs and the tiles table: "cpu" or "gpu3". */
  public static String label(Device device) {
    return device.isGpu() ? "gpu" + device.getDeviceId() : "cpu";
  }
}
