package io.pcsr.udf.model;

/**
 * FLOPs of a network part for one pixel, in two conventions kept side by side.
 *
 * @param paper the official PCSR counter's convention: 2 x MACs for Conv2d/Linear (a transposed
 *     convolution counted on its output size), 2 x numel for BatchNorm, numel for PReLU;
 *     ReLU, biases, sampling and routing free
 * @param executed 2 x the multiply-adds this implementation actually runs (BatchNorm folded into
 *     the convolution, first MLP layer evaluated per LR pixel, transposed convolution on its
 *     input size)
 */
public record LayerCost(double paper, double executed) implements java.io.Serializable {
  public static final LayerCost ZERO = new LayerCost(0, 0);

  public LayerCost plus(LayerCost o) { return new LayerCost(paper + o.paper, executed + o.executed); }

  public LayerCost times(double f) { return new LayerCost(paper * f, executed * f); }

  /** A k x k convolution, per output pixel. */
  public static LayerCost conv(int k, int cin, int cout, int groups) {
    double macs = (double) k * k * (cin / groups) * cout;
    return new LayerCost(2 * macs, 2 * macs);
  }

  /** A BatchNorm the paper counts and this implementation folds into the preceding conv. */
  public static LayerCost foldedBatchNorm(int channels) { return new LayerCost(2.0 * channels, 0); }

  public static LayerCost prelu(int channels) { return new LayerCost(channels, channels); }

  public static LayerCost linear(int in, int out) { return new LayerCost(2.0 * in * out, 2.0 * in * out); }
}
