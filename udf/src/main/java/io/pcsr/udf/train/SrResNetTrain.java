package io.pcsr.udf.train;

import ai.djl.ndarray.NDArray;

/**
 * MSRResNet trunk as the official PCSR encoder: conv_first 3x3 + LeakyReLU(0.1), then nb
 * residual blocks without BatchNorm (conv 3x3, ReLU, conv 3x3, + input); no global skip.
 */
final class SrResNetTrain implements TrainBackbone {
  private final int nf;
  private final NDArray firstW, firstB;
  private final NDArray[][] blocks;

  SrResNetTrain(ParamStore p, String pre, int nf, int nb) {
    this.nf = nf;
    firstW = p.uniform(pre + "conv_first.weight", 27, nf, 3, 3, 3);
    firstB = p.uniform(pre + "conv_first.bias", 27, nf);
    blocks = new NDArray[nb][];
    for (int i = 0; i < nb; i++) {
      String b = pre + "recon_trunk." + i + ".";
      blocks[i] = new NDArray[] {
          p.uniform(b + "conv1.weight", nf * 9, nf, nf, 3, 3), p.uniform(b + "conv1.bias", nf * 9, nf),
          p.uniform(b + "conv2.weight", nf * 9, nf, nf, 3, 3), p.uniform(b + "conv2.bias", nf * 9, nf)};
    }
  }

  @Override public int channels() { return nf; }

  @Override public float[] rgbMean() { return new float[3]; }

  @Override public NDArray forward(NDArray x, boolean training) {
    NDArray h = Ops.leakyRelu(Ops.conv(x, firstW, firstB, 1), 0.1f);
    for (NDArray[] b : blocks) {
      NDArray t = Ops.relu(Ops.conv(h, b[0], b[1], 1));
      h = Ops.conv(t, b[2], b[3], 1).add(h);
    }
    return h;
  }
}
