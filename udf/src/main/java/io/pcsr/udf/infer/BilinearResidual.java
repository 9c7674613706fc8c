package io.pcsr.udf.infer;

import io.pcsr.udf.concurrent.HostLoops;
import io.pcsr.udf.image.FloatImage;

/**
 * The bilinear upsampling PCSR adds to its MLP output (align_corners=False, edge clamped, as
 * grid_sample with border padding computes it), for the HR pixels of a region. Computed on the
 * raw LR: bilinear weights sum to one, so this equals bilinear(LR - mean) + mean.
 */
final class BilinearResidual {
  private BilinearResidual() {}

  static float[] compute(FloatImage lr, LrRegion region, int scale) {
    return compute(lr, region, scale, false);
  }

  /** As above; with {@code parallel}, rows are spread over the common pool ({@link HostLoops}). */
  static float[] compute(FloatImage lr, LrRegion region, int scale, boolean parallel) {
    int hrH = region.height() * scale;
    int hrW = region.width() * scale;
    int[] y0 = new int[hrH];
    int[] y1 = new int[hrH];
    float[] wy = new float[hrH];
    taps(region.y0() * scale, hrH, scale, lr.height(), y0, y1, wy);
    int[] x0 = new int[hrW];
    int[] x1 = new int[hrW];
    float[] wx = new float[hrW];
    taps(region.x0() * scale, hrW, scale, lr.width(), x0, x1, wx);
    float[] out = new float[3 * hrH * hrW];
    float[] src = lr.data();
    int lw = lr.width();
    int lplane = lr.height() * lw;
    float[] wx0 = new float[hrW];
    for (int i = 0; i < hrW; i++) {
      wx0[i] = 1f - wx[i];
    }
    // Separable: each LR row the region touches is interpolated along x once (each was redone
    // for every HR row that reads it, s times over, with four gathers per output pixel); the
    // HR rows then blend two of those rows. Same products and sums, so the same floats.
    int rowLo = y0[0];
    int rows = y1[hrH - 1] - rowLo + 1;
    float[] along = new float[rows * hrW];
    for (int c = 0; c < 3; c++) {
      int base = c * lplane;
      HostLoops.forEach(rows, parallel, r -> {
        int from = base + (rowLo + r) * lw;
        int to = r * hrW;
        for (int i = 0; i < hrW; i++) {
          along[to + i] = wx0[i] * src[from + x0[i]] + wx[i] * src[from + x1[i]];
        }
      });
      int obase = c * hrH * hrW;
      HostLoops.forEach(hrH, parallel, j -> {
        int top = (y0[j] - rowLo) * hrW;
        int bottom = (y1[j] - rowLo) * hrW;
        float b = wy[j];
        float a = 1f - b;
        int orow = obase + j * hrW;
        for (int i = 0; i < hrW; i++) {
          out[orow + i] = a * along[top + i] + b * along[bottom + i];
        }
      });
    }
    return out;
  }

  /** Source taps for HR indices [start, start+n) along an axis of LR length len. */
  private static void taps(int start, int n, int scale, int len, int[] i0, int[] i1, float[] w1) {
    for (int k = 0; k < n; k++) {
      double src = (start + k + 0.5) / scale - 0.5;
      if (src < 0) {
        src = 0;
      }
      if (src > len - 1) {
        src = len - 1;
      }
      int lo = (int) Math.floor(src);
      i0[k] = lo;
      i1[k] = Math.min(lo + 1, len - 1);
      w1[k] = (float) (src - lo);
    }
  }
}
