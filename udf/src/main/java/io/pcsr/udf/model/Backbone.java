package io.pcsr.udf.model;

import ai.djl.ndarray.NDArray;

/**
 * A CNN that turns a mean-subtracted LR image into per-LR-pixel features. Inputs and outputs are
 * channels-last (N, h, w, C) tensors; every convolution is 'same'-padded, so the features have
 * the LR size.
 */
public interface Backbone extends AutoCloseable {
  /** Name as in the checkpoint args ('fsrcnn', 'carn', 'srresnet'). */
  String name();

  /** Number of feature channels. */
  int channels();

  /** (N, h, w, 3) mean-subtracted RGB -> (N, h, w, channels()). Does not close its input. */
  NDArray features(NDArray lrNhwc);

  /**
   * As {@link #features(NDArray)}, running the ops this backbone has host kernels for on the
   * JVM's SIMD units where {@code host} allows. Same results to float rounding, and the same
   * results whether the host kernels run split over threads or not.
   */
  default NDArray features(NDArray lrNhwc, HostSimd host) {
    return features(lrNhwc);
  }

  /**
   * The features of the LR rectangle (y0, x0, h, w) as {@link PlanarFeatures}, for the host MLP
   * kernels: by default libtorch's features, transposed; a backbone with host kernels hands
   * over its own rows without making a tensor of them.
   */
  default PlanarFeatures planarFeatures(NDArray lrNhwc, HostSimd host, int y0, int x0, int h,
      int w) {
    try (NDArray f = features(lrNhwc, host)) {
      return PlanarFeatures.fromChannelsLast(f, Math.toIntExact(lrNhwc.getShape().get(2)), y0, x0,
          h, w);
    }
  }

  /**
   * Whether {@link #features(NDArray, HostSimd)} has host kernels for this network's shape. Call
   * only where the vector module is resolved.
   */
  default boolean hasHostKernels() {
    return false;
  }

  /**
   * Java heap that {@link #features(NDArray, HostSimd)}'s host kernels hold at their peak for
   * one h x w image; {@link Long#MAX_VALUE} where there are none (the ops run in libtorch, whose
   * memory is native or on a device).
   */
  default long hostPeakBytes(int h, int w) {
    return Long.MAX_VALUE;
  }

  /**
   * How many LR pixels away an input pixel can still change a feature: the sum of the kernel
   * radii. A tile whose halo is at least this wide computes its core exactly as the whole image.
   */
  int receptiveRadius();

  /** Cost of {@link #features} per LR pixel. */
  LayerCost costPerLrPixel();

  @Override void close();
}
