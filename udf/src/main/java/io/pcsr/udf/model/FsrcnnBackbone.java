package io.pcsr.udf.model;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;

/**
 * FSRCNN without (PCSR) or with (original x4) its transposed-convolution tail. Layout of the
 * official module: head 5x5 conv + PReLU; shrink 1x1 + PReLU; m 3x3 convs with no activation
 * between them; PReLU; expand 1x1 + PReLU. Each PReLU has one shared slope.
 */
public final class FsrcnnBackbone implements Backbone {
  private final int d;
  private final int s;
  private final int m;
  private final NDArray headW, headB, shrinkW, shrinkB, expandW, expandB;
  private final float headSlope, shrinkSlope, mapSlope, expandSlope;
  private final List<NDArray> mapW = new ArrayList<>();
  private final List<NDArray> mapB = new ArrayList<>();

  /**
   * @param w weights at the module's prefix ("encoder" in PCSR checkpoints, root in originals)
   * @param d feature width from the checkpoint args
   * @param s shrink width (official default 12)
   * @param m mapping depth (official default 4)
   */
  public FsrcnnBackbone(Weights w, int d, int s, int m) {
    this.d = d;
    this.s = s;
    this.m = m;
    headW = w.array("head_conv.0.weight", d, 3, 5, 5);
    headB = w.array("head_conv.0.bias", d);
    headSlope = w.floats("head_conv.1.weight", 1)[0];
    shrinkW = w.array("body_conv.0.0.weight", s, d, 1, 1).reshape(s, d);
    shrinkB = w.array("body_conv.0.0.bias", s);
    shrinkSlope = w.floats("body_conv.0.1.weight", 1)[0];
    for (int i = 1; i <= m; i++) {
      mapW.add(w.array("body_conv." + i + ".weight", s, s, 3, 3));
      mapB.add(w.array("body_conv." + i + ".bias", s));
    }
    mapSlope = w.floats("body_conv." + (m + 1) + ".weight", 1)[0];
    expandW = w.array("body_conv." + (m + 2) + ".0.weight", d, s, 1, 1).reshape(d, s);
    expandB = w.array("body_conv." + (m + 2) + ".0.bias", d);
    expandSlope = w.floats("body_conv." + (m + 2) + ".1.weight", 1)[0];
  }

  @Override public String name() { return "fsrcnn"; }

  @Override public int channels() { return d; }

  @Override public int receptiveRadius() { return 2 + m; }

  @Override public NDArray features(NDArray x) {
    NDArray t = Nhwc.conv(x, headW, headB, 1);
    NDArray h = swap(t, Nhwc.prelu(t, headSlope));
    h = swap(h, Nhwc.pointwise(h, shrinkW, shrinkB));
    h = swap(h, Nhwc.prelu(h, shrinkSlope));
    for (int i = 0; i < m; i++) {
      h = swap(h, Nhwc.conv(h, mapW.get(i), mapB.get(i), 1));
    }
    h = swap(h, Nhwc.prelu(h, mapSlope));
    h = swap(h, Nhwc.pointwise(h, expandW, expandB));
    return swap(h, Nhwc.prelu(h, expandSlope));
  }

  /** Frees an intermediate as soon as its successor exists. */
  static NDArray swap(NDArray old, NDArray next) {
    old.close();
    return next;
  }

  @Override public LayerCost costPerLrPixel() {
    return cost(d, s, m);
  }

  static LayerCost cost(int d, int s, int m) {
    LayerCost c = LayerCost.conv(5, 3, d, 1).plus(LayerCost.prelu(d))
        .plus(LayerCost.conv(1, d, s, 1)).plus(LayerCost.prelu(s))
        .plus(LayerCost.conv(3, s, s, 1).times(m)).plus(LayerCost.prelu(s))
        .plus(LayerCost.conv(1, s, d, 1)).plus(LayerCost.prelu(d));
    return c;
  }

  @Override public void close() {
    for (NDArray a : List.of(headW, headB, shrinkW, shrinkB, expandW, expandB)) {
      a.close();
    }
    mapW.forEach(NDArray::close);
    mapB.forEach(NDArray::close);
  }
}
