package io.pcsr.udf.model;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;

/**
 * MSRResNet trunk (official key names): conv_first 3x3 + LeakyReLU(0.1), then nb residual blocks
 * without BatchNorm (conv 3x3, ReLU, conv 3x3, + input). No global skip.
 */
public final class SrResNetBackbone implements Backbone {
  private final int nf;
  private final int nb;
  private final NDArray firstW, firstB;
  private final List<NDArray[]> blocks = new ArrayList<>();

  public SrResNetBackbone(Weights w, int nf, int nb) {
    this.nf = nf;
    this.nb = nb;
    firstW = w.array("conv_first.weight", nf, 3, 3, 3);
    firstB = w.array("conv_first.bias", nf);
    for (int i = 0; i < nb; i++) {
      Weights b = w.at("recon_trunk." + i);
      blocks.add(new NDArray[] {
          b.array("conv1.weight", nf, nf, 3, 3), b.array("conv1.bias", nf),
          b.array("conv2.weight", nf, nf, 3, 3), b.array("conv2.bias", nf)});
    }
  }

  @Override public String name() { return "srresnet"; }

  @Override public int channels() { return nf; }

  @Override public int receptiveRadius() { return 1 + 2 * nb; }

  @Override public NDArray features(NDArray x) {
    NDArray h = Nhwc.conv(x, firstW, firstB, 1);
    h = FsrcnnBackbone.swap(h, Nhwc.leakyRelu(h, 0.1f));
    for (NDArray[] b : blocks) {
      NDArray t = Nhwc.conv(h, b[0], b[1], 1);
      t = FsrcnnBackbone.swap(t, Nhwc.relu(t));
      t = FsrcnnBackbone.swap(t, Nhwc.conv(t, b[2], b[3], 1));
      t.addi(h);
      h.close();
      h = t;
    }
    return h;
  }

  @Override public LayerCost costPerLrPixel() {
    return LayerCost.conv(3, 3, nf, 1).plus(LayerCost.conv(3, nf, nf, 1).times(2.0 * nb));
  }

  @Override public void close() {
    firstW.close();
    firstB.close();
    for (NDArray[] b : blocks) {
      for (NDArray a : b) {
        a.close();
      }
    }
  }
}
