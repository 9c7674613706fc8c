package io.pcsr.udf.train;

import io.pcsr.udf.image.FloatImage;

/**
 * Bilinear x s upsampling with align_corners=False and edge clamping (what the official model's
 * grid_sample with border padding adds to its MLP output).
 */
final class Bilinear {
  private Bilinear() {}

  static FloatImage upscale(FloatImage lr, int scale) {
    int h = lr.height();
    int w = lr.width();
    int oh = h * scale;
    int ow = w * scale;
    int[] y0 = new int[oh];
    int[] y1 = new int[oh];
    float[] wy = new float[oh];
    taps(oh, scale, h, y0, y1, wy);
    int[] x0 = new int[ow];
    int[] x1 = new int[ow];
    float[] wx = new float[ow];
    taps(ow, scale, w, x0, x1, wx);
    int channels = lr.channels();
    float[] out = new float[channels * oh * ow];
    float[] src = lr.data();
    for (int c = 0; c < channels; c++) {
      int base = c * h * w;
      for (int j = 0; j < oh; j++) {
        int r0 = base + y0[j] * w;
        int r1 = base + y1[j] * w;
        float b = wy[j];
        float a = 1f - b;
        int orow = (c * oh + j) * ow;
        for (int i = 0; i < ow; i++) {
          float d = wx[i];
          float e = 1f - d;
          float top = e * src[r0 + x0[i]] + d * src[r0 + x1[i]];
          float bottom = e * src[r1 + x0[i]] + d * src[r1 + x1[i]];
          out[orow + i] = a * top + b * bottom;
        }
      }
    }
    return new FloatImage(channels, oh, ow, out);
  }

  private static void taps(int n, int scale, int len, int[] i0, int[] i1, float[] w1) {
    for (int k = 0; k < n; k++) {
      double src = (k + 0.5) / scale - 0.5;
      src = Math.max(0, Math.min(len - 1, src));
      int lo = (int) Math.floor(src);
      i0[k] = lo;
      i1[k] = Math.min(lo + 1, len - 1);
      w1[k] = (float) (src - lo);
    }
  }
}
