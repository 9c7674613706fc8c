package io.pcsr.udf.train;

import ai.djl.ndarray.NDArray;

/**
 * A differentiable PCSR backbone (no upsampling tail) whose tensors are registered in a
 * {@link ParamStore} under the official keys ("encoder." + the module path).
 */
interface TrainBackbone {
  /** Feature channels. */
  int channels();

  /**
   * (N, h, w, 3) mean-subtracted LR -> (N, h, w, channels()).
   *
   * @param training BatchNorm uses batch statistics and updates its running ones (CARN); false
   *     is PyTorch's eval mode
   */
  NDArray forward(NDArray lr, boolean training);

  /** The per-channel mean the backbone expects subtracted from its input (CARN: DIV2K mean). */
  float[] rgbMean();

  static TrainBackbone create(Architecture arch, ParamStore store) {
    return switch (arch.backbone()) {
      case "fsrcnn" -> new FsrcnnTrain(store, "encoder.", arch.backboneInt("d", 56),
          arch.backboneInt("s", 12), arch.backboneInt("m", 4));
      case "carn" -> new CarnTrain(store, "encoder.", arch.backboneInt("nf", 64),
          arch.backboneInt("group", 4));
      case "srresnet" -> new SrResNetTrain(store, "encoder.", arch.backboneInt("nf", 64),
          arch.backboneInt("nb", 16));
      default -> throw new IllegalArgumentException("cannot train backbone '" + arch.backbone()
          + "' (supported: fsrcnn, carn, srresnet)");
    };
  }
}
