package io.pcsr.udf.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.pcsr.udf.image.FloatImage;
import io.pcsr.udf.image.MatlabBicubic;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One training batch in plain Java arrays (built off the torch thread): N LR crops made from HR
 * crops by MATLAB-style bicubic in float (not quantised, as the official trainer does), and for
 * each queried HR pixel its residual target HR - bilinear(LR).
 *
 * @param lrNhwc (N, h, w, 3), mean already subtracted
 * @param target (P, 3) residual targets in query order
 * @param lrRow per query, the row of its nearest LR feature; null when every pixel is queried
 * @param offset per query, its sub-pixel offset (Y%s)*s + X%s; null when every pixel is queried
 */
record Batch(int n, int h, int w, int scale, float[] lrNhwc, float[] target, long[] lrRow,
    long[] offset) {

  /**
   * A batch from HR crops (each (h*s) x (w*s)).
   *
   * @param samples HR pixels queried per crop, 0 for all of them (dense)
   */
  static Batch of(List<FloatImage> hrCrops, int scale, float[] mean, int samples,
      SplittableRandom rng) {
    int n = hrCrops.size();
    FloatImage first = hrCrops.get(0);
    int hh = first.height();
    int ww = first.width();
    int h = hh / scale;
    int w = ww / scale;
    int hrPlane = hh * ww;
    boolean dense = samples <= 0 || samples >= hrPlane;
    int perCrop = dense ? hrPlane : samples;
    float[] lrNhwc = new float[n * h * w * 3];
    float[] target = new float[n * perCrop * 3];
    long[] lrRow = dense ? null : new long[n * perCrop];
    long[] offset = dense ? null : new long[n * perCrop];
    int[] order = dense ? null : new int[hrPlane];
    for (int k = 0; k < n; k++) {
      FloatImage hr = hrCrops.get(k);
      FloatImage lr = MatlabBicubic.resize(hr, h, w);
      float[] ld = lr.data();
      for (int c = 0; c < 3; c++) {
        for (int i = 0; i < h * w; i++) {
          lrNhwc[(k * h * w + i) * 3 + c] = ld[c * h * w + i] - mean[c];
        }
      }
      float[] res = Bilinear.upscale(lr, scale).data();
      float[] hd = hr.data();
      if (dense) {
        for (int p = 0; p < hrPlane; p++) {
          int row = k * hrPlane + p;
          for (int c = 0; c < 3; c++) {
            target[row * 3 + c] = hd[c * hrPlane + p] - res[c * hrPlane + p];
          }
        }
        continue;
      }
      // a uniform sample of distinct pixels: partial Fisher-Yates shuffle
      for (int i = 0; i < hrPlane; i++) {
        order[i] = i;
      }
      for (int i = 0; i < perCrop; i++) {
        int j = i + rng.nextInt(hrPlane - i);
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
        int p = order[i];
        int y = p / ww;
        int x = p % ww;
        int row = k * perCrop + i;
        lrRow[row] = (long) k * h * w + (long) (y / scale) * w + x / scale;
        offset[row] = (long) (y % scale) * scale + x % scale;
        for (int c = 0; c < 3; c++) {
          target[row * 3 + c] = hd[c * hrPlane + p] - res[c * hrPlane + p];
        }
      }
    }
    return new Batch(n, h, w, scale, lrNhwc, target, lrRow, offset);
  }

  int queries() { return target.length / 3; }

  NDArray lrArray(NDManager m) {
    return m.create(lrNhwc, new Shape(n, h, w, 3));
  }

  NDArray targetArray(NDManager m) {
    return m.create(target, new Shape(queries(), 3));
  }

  Queries queries(NDManager m) {
    if (lrRow == null) {
      return Queries.dense(n, h, w, scale);
    }
    return Queries.sampled(n, h, w, scale, m.create(lrRow), m.create(offset));
  }
}
