package io.pcsr.udf.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;

/**
 * Which HR pixels of a batch of N LR crops (h x w each, scale s) the MLPs evaluate: all of them
 * in row-major (n, Y, X) order ("dense"), or a sampled subset given by, per queried pixel, the
 * row of its nearest LR feature (n*h*w + (Y/s)*w + X/s) and its sub-pixel offset
 * ((Y%s)*s + X%s).
 */
final class Queries {
  final int n;
  final int h;
  final int w;
  final int scale;
  private final NDArray lrRow;   // int64 (P), null when dense
  private final NDArray offset;  // int64 (P), null when dense

  private Queries(int n, int h, int w, int scale, NDArray lrRow, NDArray offset) {
    this.n = n;
    this.h = h;
    this.w = w;
    this.scale = scale;
    this.lrRow = lrRow;
    this.offset = offset;
  }

  static Queries dense(int n, int h, int w, int scale) {
    return new Queries(n, h, w, scale, null, null);
  }

  static Queries sampled(int n, int h, int w, int scale, NDArray lrRow, NDArray offset) {
    return new Queries(n, h, w, scale, lrRow, offset);
  }

  boolean dense() { return lrRow == null; }

  long count() {
    return dense() ? (long) n * h * w * scale * scale : lrRow.size();
  }

  /** The first layer's pre-activation per queried pixel: projected feature + offset bias. */
  NDArray firstLayer(NDArray projected, NDArray offsets) {
    long width = projected.getShape().get(1);
    if (dense()) {
      // (n,h,1,w,1,H) + (1,1,s,1,s,H) -> (n,h,s,w,s,H): row-major over (n, Y, X)
      NDArray a = projected.reshape(n, h, 1, w, 1, width);
      NDArray b = offsets.reshape(1, 1, scale, 1, scale, width);
      return a.add(b).reshape(count(), width);
    }
    return projected.get(new NDIndex("{}", lrRow)).add(offsets.get(new NDIndex("{}", offset)));
  }
}
