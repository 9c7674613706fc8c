package io.pcsr.udf.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * One of PCSR's per-pixel MLPs (LIIF-style sampler without unfolding or local ensemble): Linear +
 * ReLU per hidden width, then a final Linear; keys "{name}.imnet.layers.{0,2,4,..}.weight/bias".
 * The input of HR pixel (j, i) at integer scale s is {@code [feat(C), rel_y, rel_x, cell_y,
 * cell_x]} with feat the nearest LR feature, rel = (2t+1)/s - 1 for the sub-pixel offset
 * t = j mod s, and cell = 2/s.
 *
 * <p>The first Linear is evaluated split, exactly as the inference engine does:
 * {@code W1 [f; r] + b1 = W1f f + (W1r r + b1)}; the first term once per LR pixel, the second once
 * per offset, then added per HR pixel. Gradients flow to both column blocks of the one official
 * weight tensor.
 */
final class TrainMlp {
  private final int featureDim;
  private final int outDim;
  private final NDArray[] weights;
  private final NDArray[] biases;

  TrainMlp(ParamStore p, String name, int featureDim, List<Integer> hidden, int outDim) {
    this.featureDim = featureDim;
    this.outDim = outDim;
    int layers = hidden.size() + 1;
    weights = new NDArray[layers];
    biases = new NDArray[layers];
    int in = featureDim + 4;
    for (int l = 0; l < layers; l++) {
      int out = l < hidden.size() ? hidden.get(l) : outDim;
      String key = name + ".imnet.layers." + (2 * l) + ".";
      weights[l] = p.uniform(key + "weight", in, out, in);
      biases[l] = p.uniform(key + "bias", in, out);
      in = out;
    }
  }

  int firstWidth() { return (int) weights[0].getShape().get(0); }

  int outDim() { return outDim; }

  /** (rows, C) LR features -> (rows, H1): the feature part of the first layer, no bias. */
  NDArray project(NDArray featureRows, NDManager scope) {
    NDArray wf = weights[0].get(scope, new NDIndex(":, :{}", featureDim));
    return Ops.linear(featureRows, wf, null);
  }

  /** (s*s, H1): the offset part of the first layer plus its bias, offset t = ty*s + tx. */
  NDArray offsetBias(int scale, NDManager scope) {
    float[] r = new float[scale * scale * 4];
    float cell = 2f / scale;
    for (int ty = 0; ty < scale; ty++) {
      for (int tx = 0; tx < scale; tx++) {
        int t = ty * scale + tx;
        r[4 * t] = (2f * ty + 1) / scale - 1;
        r[4 * t + 1] = (2f * tx + 1) / scale - 1;
        r[4 * t + 2] = cell;
        r[4 * t + 3] = cell;
      }
    }
    NDArray rel = scope.create(r, new Shape(scale * scale, 4));
    NDArray wr = weights[0].get(scope, new NDIndex(":, {}:", featureDim));
    return Ops.linear(rel, wr, biases[0]);
  }

  /** From the first layer's pre-activation (rows, H1) to the output (rows, outDim). */
  NDArray finish(NDArray pre) {
    NDArray h = pre;
    for (int l = 1; l < weights.length; l++) {
      h = Ops.linear(Ops.relu(h), weights[l], biases[l]);
    }
    return h;
  }

  /**
   * The MLP on the queried HR pixels.
   *
   * @param projected (N*h*w, H1) from {@link #project}
   * @param offsets (s*s, H1) from {@link #offsetBias}
   * @param q which HR pixels
   */
  NDArray apply(NDArray projected, NDArray offsets, Queries q) {
    return finish(q.firstLayer(projected, offsets));
  }
}
