package io.pcsr.udf.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.pcsr.udf.checkpoint.Checkpoint;

/**
 * The original (non-PCSR) x4 networks with their upsampling tails: FSRCNN's transposed
 * convolution (stride 4, padding 3, output padding 1) and CARN's two grouped-conv + PixelShuffle(2)
 * steps followed by an exit 3x3 conv. The baseline PCSR is compared against.
 */
public final class OriginalModel implements AutoCloseable {
  private final String name;
  private final int scale;
  private final NDManager manager;
  private final Backbone backbone;
  private final NDArray[] tail;
  private final float[] rgbMean;
  private final int groups;

  private OriginalModel(String name, int scale, NDManager manager, Backbone backbone,
      NDArray[] tail, int groups) {
    this.name = name;
    this.scale = scale;
    this.manager = manager;
    this.backbone = backbone;
    this.tail = tail;
    this.groups = groups;
    this.rgbMean = Backbones.rgbMean(name);
  }

  public static OriginalModel fromCheckpoint(Checkpoint ckpt, NDManager parent, String source) {
    String name = ckpt.modelName();
    ModelArgs args = new ModelArgs(ckpt.args(), "");
    NDManager manager = parent.newSubManager();
    try {
      Weights w = new Weights(ckpt, manager, source);
      Backbone backbone = Backbones.create(name, args, w);
      int c = backbone.channels();
      NDArray[] tail;
      int scale;
      int groups = 1;
      switch (name) {
        case "fsrcnn" -> {
          scale = args.integer("upscale", 4);
          if (scale != 4) {
            throw new IllegalArgumentException("FSRCNN's transposed-conv tail is defined for x4 only");
          }
          float[] flipped = Nhwc.flipTransposedWeight(w.floats("tail_conv.weight", c, 3, 9, 9), c, 3, 9);
          tail = new NDArray[] {w.array(flipped, 3, c, 9, 9), w.array("tail_conv.bias", 3)};
        }
        case "carn" -> {
          scale = args.integer("scale", 4);
          if (scale != 4) {
            throw new IllegalArgumentException("only the x4 CARN tail is implemented, not x" + scale);
          }
          groups = args.integer("group", 4);
          Weights up = w.at("upsample.up.body");
          tail = new NDArray[] {
              up.array("0.weight", 4L * c, c / groups, 3, 3), up.array("0.bias", 4L * c),
              up.array("3.weight", 4L * c, c / groups, 3, 3), up.array("3.bias", 4L * c),
              w.array("exit.weight", 3, c, 3, 3), w.array("exit.bias", 3)};
        }
        default -> throw new IllegalArgumentException("no original-model tail for '" + name + "'");
      }
      if (!w.unusedKeys().isEmpty()) {
        throw new IllegalArgumentException("checkpoint " + source
            + " has tensors its declared architecture does not use: " + w.unusedKeys());
      }
      return new OriginalModel(name, scale, manager, backbone, tail, groups);
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  public String name() { return name; }
  public int scale() { return scale; }
  public Backbone backbone() { return backbone; }
  public float[] rgbMean() { return rgbMean.clone(); }

  /** (N, h, w, 3) mean-subtracted LR -> (N, 4h, 4w, 3) mean-subtracted HR. */
  public NDArray upscale(NDArray lrNhwc) {
    NDArray f = backbone.features(lrNhwc);
    if ("fsrcnn".equals(name)) {
      return FsrcnnBackbone.swap(f, Nhwc.convTranspose(f, tail[0], tail[1], 4, 3, 1));
    }
    NDArray h = f;
    for (int step = 0; step < 2; step++) {
      h = FsrcnnBackbone.swap(h, Nhwc.conv(h, tail[2 * step], tail[2 * step + 1], groups));
      h = FsrcnnBackbone.swap(h, Nhwc.relu(h));
      h = FsrcnnBackbone.swap(h, Nhwc.pixelShuffle(h, 2));
    }
    return FsrcnnBackbone.swap(h, Nhwc.conv(h, tail[4], tail[5], 1));
  }

  /** FLOPs per LR pixel of the whole network, backbone and tail. */
  public LayerCost costPerLrPixel() {
    return costPerLrPixel(name, backbone.channels(), backbone.costPerLrPixel(), scale, groups);
  }

  /**
   * FLOPs per LR pixel of the official original x4 network for a backbone family (FSRCNN d=56,
   * CARN-M nf=64): what a PCSR run is compared against, without needing its weights.
   */
  public static LayerCost standardCostPerLrPixel(String backbone) {
    return switch (backbone) {
      case "fsrcnn" -> costPerLrPixel("fsrcnn", 56, FsrcnnBackbone.cost(56, 12, 4), 4, 1);
      case "carn" -> costPerLrPixel("carn", 64, CarnBackbone.cost(64, 4), 4, 4);
      default -> throw new IllegalArgumentException("no standard original model for " + backbone);
    };
  }

  private static LayerCost costPerLrPixel(String name, int c, LayerCost body, int scale, int groups) {
    if ("fsrcnn".equals(name)) {
      // the official counter charges a transposed conv on its output size: x stride^2 too much
      double executed = 2.0 * 9 * 9 * c * 3;
      return body.plus(new LayerCost(executed * scale * scale, executed));
    }
    LayerCost up = LayerCost.conv(3, c, 4 * c, groups);
    return body.plus(up).plus(up.times(4)).plus(LayerCost.conv(3, c, 3, 1).times(16));
  }

  @Override public void close() {
    backbone.close();
    for (NDArray a : tail) {
      a.close();
    }
    manager.close();
  }
}
