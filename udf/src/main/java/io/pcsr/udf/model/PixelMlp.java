package io.pcsr.udf.model;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.List;

/**
 * One of PCSR's per-pixel MLPs (light upsampler, heavy upsampler, classifier): Linear + ReLU for
 * each hidden width, then a final Linear. Its input for HR pixel (j, i) at integer scale s is
 * {@code [feat(C), rel_y, rel_x, cell_y, cell_x]} with feat the nearest LR feature,
 * {@code rel = (2t+1)/s - 1} for the sub-pixel offset t = j mod s, and {@code cell = 2/s}.
 *
 * <p>The first Linear is split exactly: {@code W1 [f; r] + b1 = (W1f f) + (W1r r + b1)}. The
 * first term depends only on the LR pixel ({@link #projectFeatures}, s^2 times fewer
 * multiply-adds), the second only on the offset ({@link #offsetBias}, s^2 vectors).
 *
 * <p>Biases ride inside the matrix products: every hidden activation carries one extra column
 * that is constantly 1 (the offset bias sets it, ReLU keeps it, each hidden layer's weight
 * copies it forward), and each later layer's bias is the weight row that multiplies it. A
 * separate bias pass cost more than the 1/width extra multiply-adds: on one core, a 74-wide
 * layer with bias + ReLU ran at 82-94 GFLOP/s as {@code linear}, 101-114 as one product.
 */
public final class PixelMlp implements AutoCloseable {
  private final int featureDim;
  private final int[] widths; // hidden widths then output width
  private final float[] firstWeight; // (widths[0], featureDim + 4)
  private final float[] firstBias;
  /** 1 when hidden activations carry the constant-1 bias column, 0 for a single Linear. */
  private final int carry;
  private final NDArray featureWeight; // (widths[0] + carry, featureDim), last row zero
  // layers after the first, transposed for x . W: (in + 1, out [+ 1]); the last input row holds
  // the bias, the extra output column (hidden layers only) keeps the constant 1
  private final List<NDArray> weights = new ArrayList<>();
  // the same layers as host arrays, (out, in) row-major, for kernels outside libtorch
  private final List<float[]> hostWeights = new ArrayList<>();
  private final List<float[]> hostBiases = new ArrayList<>();

  /** An upsampler: RGB out. */
  public static PixelMlp upsampler(Weights w, int featureDim, List<Integer> hidden) {
    return new PixelMlp(w, featureDim, hidden, 3, false);
  }

  /**
   * The two-class classifier, built to output the logit differences {@code (l0 - l1, l1 - l0)}
   * instead of the logits: their sigmoids are exactly the two softmax probabilities, and an
   * elementwise sigmoid is several times cheaper than a softmax over a last axis of 2 (which
   * took 60 % of the classifier's time).
   */
  public static PixelMlp classifier(Weights w, int featureDim, List<Integer> hidden) {
    return new PixelMlp(w, featureDim, hidden, 2, true);
  }

  /**
   * @param w weights at the MLP's prefix (e.g. "heavy_sampler.imnet")
   * @param hidden hidden widths from the checkpoint args
   * @param outDim 3 for an upsampler, 2 for the classifier
   * @param logitDifferences replace the two outputs by their differences (outDim 2 only)
   */
  private PixelMlp(Weights w, int featureDim, List<Integer> hidden, int outDim,
      boolean logitDifferences) {
    this.featureDim = featureDim;
    widths = new int[hidden.size() + 1];
    for (int i = 0; i < hidden.size(); i++) {
      widths[i] = hidden.get(i);
    }
    widths[hidden.size()] = outDim;
    int in = featureDim + 4;
    firstWeight = w.floats("layers.0.weight", widths[0], in);
    firstBias = w.floats("layers.0.bias", widths[0]);
    carry = widths.length > 1 ? 1 : 0;
    if (logitDifferences && carry == 0) {
      toDifferences(firstWeight, firstBias, in);
    }
    float[] fw = new float[(widths[0] + carry) * featureDim];
    for (int o = 0; o < widths[0]; o++) {
      System.arraycopy(firstWeight, o * in, fw, o * featureDim, featureDim);
    }
    featureWeight = w.array(fw, widths[0] + carry, featureDim);
    for (int l = 1; l < widths.length; l++) {
      // Sequential indices skip the ReLUs: Linear layers sit at 0, 2, 4, ...
      String key = "layers." + (2 * l);
      float[] weight = w.floats(key + ".weight", widths[l], widths[l - 1]);
      float[] bias = w.floats(key + ".bias", widths[l]);
      boolean last = l == widths.length - 1;
      if (logitDifferences && last) {
        toDifferences(weight, bias, widths[l - 1]);
      }
      hostWeights.add(weight);
      hostBiases.add(bias);
      weights.add(w.array(withBiasRow(weight, bias, widths[l - 1], widths[l], !last),
          widths[l - 1] + 1, widths[l] + (last ? 0 : 1)));
    }
  }

  /** Rows 0 and 1 of an (2, in) layer become row0 - row1 and row1 - row0 (bias likewise). */
  static void toDifferences(float[] weight, float[] bias, int in) {
    if (weight.length != 2 * in || bias.length != 2) {
      throw new IllegalArgumentException("logit differences need a layer with 2 outputs");
    }
    for (int i = 0; i < in; i++) {
      float d = weight[i] - weight[in + i];
      weight[i] = d;
      weight[in + i] = -d;
    }
    float d = bias[0] - bias[1];
    bias[0] = d;
    bias[1] = -d;
  }

  /**
   * (out, in) weight and its bias as one (in + 1, out [+ 1]) matrix for {@code x . M} on rows
   * that end in a constant 1; {@code keepOne} adds the output column that passes the 1 on.
   */
  static float[] withBiasRow(float[] weight, float[] bias, int in, int out, boolean keepOne) {
    int cols = out + (keepOne ? 1 : 0);
    float[] m = new float[(in + 1) * cols];
    for (int o = 0; o < out; o++) {
      for (int i = 0; i < in; i++) {
        m[i * cols + o] = weight[o * in + i];
      }
      m[in * cols + o] = bias[o];
    }
    if (keepOne) {
      m[in * cols + out] = 1f;
    }
    return m;
  }

  /** Width of a first-layer row as the engine holds it (the constant column included). */
  public int firstWidth() { return widths[0] + carry; }

  public int outDim() { return widths[widths.length - 1]; }

  /** Linear layers, the first included. */
  public int layerCount() { return widths.length; }

  /** Output width of linear layer {@code l} (hidden width for l below layerCount() - 1). */
  public int hiddenWidth(int l) { return widths[l]; }

  /** Weight of linear layer {@code l >= 1}, (out, in) row-major; a copy. */
  public float[] layerWeight(int l) { return hostWeights.get(l - 1).clone(); }

  /**
   * The first layer's weight on the features, (hiddenWidth(0), featureDim) row-major: what
   * {@link #projectFeatures} multiplies by, for kernels outside libtorch; a copy.
   */
  public float[] featureWeight() {
    int in = featureDim + 4;
    float[] w = new float[widths[0] * featureDim];
    for (int o = 0; o < widths[0]; o++) {
      System.arraycopy(firstWeight, o * in, w, o * featureDim, featureDim);
    }
    return w;
  }

  /** Bias of linear layer {@code l >= 1}; a copy. */
  public float[] layerBias(int l) { return hostBiases.get(l - 1).clone(); }

  /** The widest layer output (hidden or final): what bounds one row's live activations. */
  public int widestLayer() {
    int w = 0;
    for (int x : widths) {
      w = Math.max(w, x);
    }
    return w + carry;
  }

  /** (rows, C) LR features -> (rows, widths[0]) first-layer contribution, without bias. */
  public NDArray projectFeatures(NDArray featureRows) {
    return JniUtils.linear((PtNDArray) featureRows, (PtNDArray) featureWeight, null);
  }

  /**
   * (s*s, firstWidth()) first-layer bias per sub-pixel offset t = ty*s + tx (y before x); with
   * hidden layers its last column is the constant 1 that later layers' biases multiply.
   */
  public float[] offsetBias(int scale) {
    int h1 = widths[0];
    int stride = firstWidth();
    int in = featureDim + 4;
    float[] out = new float[scale * scale * stride];
    double cell = 2.0 / scale;
    for (int ty = 0; ty < scale; ty++) {
      double relY = (2.0 * ty + 1) / scale - 1;
      for (int tx = 0; tx < scale; tx++) {
        double relX = (2.0 * tx + 1) / scale - 1;
        int t = ty * scale + tx;
        for (int o = 0; o < h1; o++) {
          int r = o * in + featureDim;
          double v = firstBias[o] + firstWeight[r] * relY + firstWeight[r + 1] * relX
              + firstWeight[r + 2] * cell + firstWeight[r + 3] * cell;
          out[t * stride + o] = (float) v;
        }
        if (carry == 1) {
          out[t * stride + h1] = 1f;
        }
      }
    }
    return out;
  }

  /**
   * The rest of the MLP from the first layer's pre-activation: ReLU (if there is a hidden
   * layer), then the remaining Linear layers. Consumes (closes) its input.
   */
  public NDArray finish(NDArray firstPreActivation) {
    if (weights.isEmpty()) {
      return firstPreActivation; // a single Linear: the pre-activation is the output
    }
    NDArray h = firstPreActivation;
    for (int l = 0; l < weights.size(); l++) {
      NDArray act = Nhwc.relu(h);
      h.close();
      h = act.matMul(weights.get(l));
      act.close();
    }
    return h;
  }

  /** FLOPs per HR pixel: the paper counts the full first Linear on every HR pixel. */
  public double paperFlopsPerHrPixel() {
    double f = 2.0 * (featureDim + 4) * widths[0];
    for (int l = 1; l < widths.length; l++) {
      f += 2.0 * widths[l - 1] * widths[l];
    }
    return f;
  }

  /** Executed FLOPs per HR pixel, without the per-LR-pixel first-layer projection. */
  public double executedFlopsPerHrPixel() {
    return paperFlopsPerHrPixel() - 2.0 * (featureDim + 4) * widths[0];
  }

  /** Executed FLOPs of the first-layer projection per LR pixel. */
  public double executedFlopsPerLrPixel() {
    return 2.0 * featureDim * widths[0];
  }

  @Override public void close() {
    featureWeight.close();
    weights.forEach(NDArray::close);
  }
}
