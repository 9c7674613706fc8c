package io.pcsr.udf.image;

/**
 * The contributions of input samples to each output sample along one axis, following MATLAB's
 * {@code imresize} ("contributions"): output pixel x (1-based) sits at input coordinate
 * u = x/scale + 0.5(1 - 1/scale); the taps are floor(u - width/2) + 0..P-1 with
 * P = ceil(width) + 2, weighted by the kernel, normalised to sum 1, indices mirrored at the
 * edges (symmetric padding that repeats the edge sample). Taps whose weight is zero for every
 * output are dropped, as MATLAB does.
 */
final class ResizeWeights {
  /** Cubic convolution kernel width (support [-2, 2]) before antialiasing. */
  static final double CUBIC_WIDTH = 4.0;

  final int inLength;
  final int outLength;
  /** Taps per output sample. */
  final int taps;
  /** Row-major outLength x taps, 0-based input indices. */
  final int[] indices;
  /** Row-major outLength x taps. */
  final double[] weights;

  private ResizeWeights(int inLength, int outLength, int taps, int[] indices, double[] weights) {
    this.inLength = inLength;
    this.outLength = outLength;
    this.taps = taps;
    this.indices = indices;
    this.weights = weights;
  }

  /** Keys' cubic with a = -0.5 (MATLAB's "cubic"). */
  static double cubic(double x) {
    double ax = Math.abs(x);
    double ax2 = ax * ax;
    double ax3 = ax2 * ax;
    if (ax <= 1) {
      return 1.5 * ax3 - 2.5 * ax2 + 1;
    }
    if (ax <= 2) {
      return -0.5 * ax3 + 2.5 * ax2 - 4 * ax + 2;
    }
    return 0;
  }

  /** Bicubic weights for inLength to outLength samples, antialiased when shrinking. */
  static ResizeWeights bicubic(int inLength, int outLength) {
    if (inLength <= 0 || outLength <= 0) {
      throw new IllegalArgumentException("lengths must be positive: " + inLength + " -> "
          + outLength);
    }
    double scale = (double) outLength / inLength;
    // Antialiasing: when shrinking, stretch the kernel by 1/scale (and scale its values so that
    // it still integrates to 1) so that it low-passes the input.
    boolean antialias = scale < 1;
    double kernelScale = antialias ? scale : 1;
    double width = antialias ? CUBIC_WIDTH / scale : CUBIC_WIDTH;
    int p = (int) Math.ceil(width) + 2;

    int[] idx = new int[outLength * p];
    double[] w = new double[outLength * p];
    for (int x = 0; x < outLength; x++) {
      double u = (x + 1) / scale + 0.5 * (1 - 1 / scale); // 1-based input coordinate
      int left = (int) Math.floor(u - width / 2);
      double sum = 0;
      for (int k = 0; k < p; k++) {
        int j = left + k; // 1-based, may lie outside 1..inLength
        double weight = kernelScale * cubic(kernelScale * (u - j));
        w[x * p + k] = weight;
        idx[x * p + k] = mirror(j - 1, inLength);
        sum += weight;
      }
      for (int k = 0; k < p; k++) {
        w[x * p + k] /= sum;
      }
    }
    return dropZeroColumns(inLength, outLength, p, idx, w);
  }

  /** Symmetric padding, 0-based: ..., 1, 0 | 0, 1, ..., n-1 | n-1, n-2, ... */
  static int mirror(int i, int n) {
    int period = 2 * n;
    int m = Math.floorMod(i, period);
    return m < n ? m : period - 1 - m;
  }

  private static ResizeWeights dropZeroColumns(int in, int out, int p, int[] idx, double[] w) {
    boolean[] keep = new boolean[p];
    int kept = 0;
    for (int k = 0; k < p; k++) {
      for (int x = 0; x < out && !keep[k]; x++) {
        keep[k] = w[x * p + k] != 0;
      }
      kept += keep[k] ? 1 : 0;
    }
    int[] idx2 = new int[out * kept];
    double[] w2 = new double[out * kept];
    for (int x = 0; x < out; x++) {
      int t = 0;
      for (int k = 0; k < p; k++) {
        if (keep[k]) {
          idx2[x * kept + t] = idx[x * p + k];
          w2[x * kept + t] = w[x * p + k];
          t++;
        }
      }
    }
    return new ResizeWeights(in, out, kept, idx2, w2);
  }
}
