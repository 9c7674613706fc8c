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
   * How many LR pixels away an input pixel can still change a feature: the sum of the kernel
   * radii. A tile whose halo is at least this wide computes its core exactly as the whole image.
   */
  int receptiveRadius();

  /** Cost of {@link #features} per LR pixel. */
  LayerCost costPerLrPixel();

  @Override void close();
}
