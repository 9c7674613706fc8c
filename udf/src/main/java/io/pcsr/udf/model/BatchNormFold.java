package io.pcsr.udf.model;

/**
 * Folds an inference-mode BatchNorm into the bias-free 1x1 convolution before it:
 * BN(Wx) = (gamma / sqrt(var + eps)) * Wx + (beta - mean * gamma / sqrt(var + eps)).
 * Same function up to float rounding, one pass over the activations fewer.
 */
final class BatchNormFold {
  static final double EPS = 1e-5; // torch.nn.BatchNorm2d default, used by the official CARN

  final float[] weight; // (cout, cin) row-major
  final float[] bias;   // (cout)

  private BatchNormFold(float[] weight, float[] bias) {
    this.weight = weight;
    this.bias = bias;
  }

  /** {@code conv} is the conv module's prefix, {@code bn} the BatchNorm's. */
  static BatchNormFold of(Weights conv, Weights bn, int cout, int cin) {
    float[] w = conv.floats("weight", cout, cin, 1, 1);
    float[] gamma = bn.floats("weight", cout);
    float[] beta = bn.floats("bias", cout);
    float[] mean = bn.floats("running_mean", cout);
    float[] var = bn.floats("running_var", cout);
    if (bn.has("num_batches_tracked")) {
      bn.tensor("num_batches_tracked");
    }
    float[] fw = new float[cout * cin];
    float[] fb = new float[cout];
    for (int o = 0; o < cout; o++) {
      double scale = gamma[o] / Math.sqrt(var[o] + EPS);
      for (int i = 0; i < cin; i++) {
        fw[o * cin + i] = (float) (w[o * cin + i] * scale);
      }
      fb[o] = (float) (beta[o] - mean[o] * scale);
    }
    return new BatchNormFold(fw, fb);
  }

  /** Columns [from, from+width) of the folded weight, as a (cout, width) matrix. */
  float[] columns(int cout, int cin, int from, int width) {
    float[] out = new float[cout * width];
    for (int o = 0; o < cout; o++) {
      System.arraycopy(weight, o * cin + from, out, o * width, width);
    }
    return out;
  }
}
