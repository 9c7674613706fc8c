package io.pcsr.udf.train;

import ai.djl.ndarray.NDArray;

/**
 * FSRCNN without its deconvolution tail, as the official PCSR encoder: head 5x5 conv + PReLU,
 * shrink 1x1 + PReLU, m 3x3 convs with no activation between them, PReLU, expand 1x1 + PReLU.
 * Each PReLU has one shared, learnable slope.
 */
final class FsrcnnTrain implements TrainBackbone {
  private final int d;
  private final NDArray headW, headB, headA, shrinkW, shrinkB, shrinkA, mapA, expandW, expandB,
      expandA;
  private final NDArray[] mapW, mapB;

  FsrcnnTrain(ParamStore p, String pre, int d, int s, int m) {
    this.d = d;
    headW = p.uniform(pre + "head_conv.0.weight", 3 * 25, d, 3, 5, 5);
    headB = p.uniform(pre + "head_conv.0.bias", 3 * 25, d);
    headA = p.constant(pre + "head_conv.1.weight", 0.25f, 1);
    shrinkW = p.uniform(pre + "body_conv.0.0.weight", d, s, d, 1, 1);
    shrinkB = p.uniform(pre + "body_conv.0.0.bias", d, s);
    shrinkA = p.constant(pre + "body_conv.0.1.weight", 0.25f, 1);
    mapW = new NDArray[m];
    mapB = new NDArray[m];
    for (int i = 1; i <= m; i++) {
      mapW[i - 1] = p.uniform(pre + "body_conv." + i + ".weight", s * 9, s, s, 3, 3);
      mapB[i - 1] = p.uniform(pre + "body_conv." + i + ".bias", s * 9, s);
    }
    mapA = p.constant(pre + "body_conv." + (m + 1) + ".weight", 0.25f, 1);
    expandW = p.uniform(pre + "body_conv." + (m + 2) + ".0.weight", s, d, s, 1, 1);
    expandB = p.uniform(pre + "body_conv." + (m + 2) + ".0.bias", s, d);
    expandA = p.constant(pre + "body_conv." + (m + 2) + ".1.weight", 0.25f, 1);
  }

  @Override public int channels() { return d; }

  @Override public float[] rgbMean() { return new float[3]; }

  @Override public NDArray forward(NDArray x, boolean training) {
    NDArray h = Ops.prelu(Ops.conv(x, headW, headB, 1), headA);
    h = Ops.prelu(Ops.pointwise(h, shrinkW, shrinkB), shrinkA);
    for (int i = 0; i < mapW.length; i++) {
      h = Ops.conv(h, mapW[i], mapB[i], 1);
    }
    h = Ops.prelu(h, mapA);
    return Ops.prelu(Ops.pointwise(h, expandW, expandB), expandA);
  }
}
