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
 */
public final class PixelMlp implements AutoCloseable {
  private final int featureDim;
  private final int[] widths; // hidden widths then output width
  private final float[] firstWeight; // (widths[0], featureDim + 4)
  private final float[] firstBias;
  private final NDArray featureWeight; // (widths[0], featureDim)
  private final List<NDArray> weights = new ArrayList<>(); // layers after the first
  private final List<NDArray> biases = new ArrayList<>();

  /**
   * @param w weights at the MLP's prefix (e.g. "heavy_sampler.imnet")
   * @param hidden hidden widths from the checkpoint args
   * @param outDim 3 for an upsampler, 2 for the classifier
   */
  public PixelMlp(Weights w, int featureDim, List<Integer> hidden, int outDim) {
    this.featureDim = featureDim;
    widths = new int[hidden.size() + 1];
    for (int i = 0; i < hidden.size(); i++) {
      widths[i] = hidden.get(i);
    }
    widths[hidden.size()] = outDim;
    int in = featureDim + 4;
    firstWeight = w.floats("layers.0.weight", widths[0], in);
    firstBias = w.floats("layers.0.bias", widths[0]);
    float[] fw = new float[widths[0] * featureDim];
    for (int o = 0; o < widths[0]; o++) {
      System.arraycopy(firstWeight, o * in, fw, o * featureDim, featureDim);
    }
    featureWeight = w.array(fw, widths[0], featureDim);
    for (int l = 1; l < widths.length; l++) {
      // Sequential indices skip the ReLUs: Linear layers sit at 0, 2, 4, ...
      weights.add(w.array("layers." + (2 * l) + ".weight", widths[l], widths[l - 1]));
      biases.add(w.array("layers." + (2 * l) + ".bias", widths[l]));
    }
  }

  public int firstWidth() { return widths[0]; }

  public int outDim() { return widths[widths.length - 1]; }

  /** The widest layer output (hidden or final): what bounds one row's live activations. */
  public int widestLayer() {
    int w = 0;
    for (int x : widths) {
      w = Math.max(w, x);
    }
    return w;
  }

  /** (rows, C) LR features -> (rows, widths[0]) first-layer contribution, without bias. */
  public NDArray projectFeatures(NDArray featureRows) {
    return JniUtils.linear((PtNDArray) featureRows, (PtNDArray) featureWeight, null);
  }

  /** (s*s, widths[0]) first-layer bias per sub-pixel offset t = ty*s + tx (y before x). */
  public float[] offsetBias(int scale) {
    int h1 = widths[0];
    int in = featureDim + 4;
    float[] out = new float[scale * scale * h1];
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
          out[t * h1 + o] = (float) v;
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
      h = JniUtils.linear((PtNDArray) act, (PtNDArray) weights.get(l), (PtNDArray) biases.get(l));
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
    biases.forEach(NDArray::close);
  }
}
