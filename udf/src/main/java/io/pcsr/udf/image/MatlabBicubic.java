package io.pcsr.udf.image;

/**
 * Bicubic resizing with MATLAB {@code imresize} semantics (the SR benchmarks' way of making LR
 * images): cubic kernel a = -0.5, antialiased when shrinking, symmetric edge padding. Separable:
 * rows (height) first, then columns, computed in double, returned as float.
 */
public final class MatlabBicubic {
  private MatlabBicubic() {}

  /** Resizes every channel to outHeight x outWidth. */
  public static FloatImage resize(FloatImage in, int outHeight, int outWidth) {
    ResizeWeights vertical = ResizeWeights.bicubic(in.height(), outHeight);
    ResizeWeights horizontal = ResizeWeights.bicubic(in.width(), outWidth);
    int channels = in.channels();
    float[] out = new float[channels * outHeight * outWidth];
    double[] rows = new double[outHeight * in.width()];
    for (int c = 0; c < channels; c++) {
      resizeColumns(in.data(), c * in.height() * in.width(), in.width(), vertical, rows);
      resizeRows(rows, outHeight, in.width(), horizontal, out, c * outHeight * outWidth);
    }
    return new FloatImage(channels, outHeight, outWidth, out);
  }

  /** Shrinks by an integer factor; the dimensions must be multiples of it. */
  public static FloatImage downscale(FloatImage in, int factor) {
    if (factor <= 0 || in.height() % factor != 0 || in.width() % factor != 0) {
      throw new IllegalArgumentException("cannot downscale " + in.height() + "x" + in.width()
          + " by " + factor + ": the dimensions must be multiples of the factor"
          + " (crop first with cropToMultiple)");
    }
    return resize(in, in.height() / factor, in.width() / factor);
  }

  /** The top-left crop whose dimensions are multiples of s, as the official test code takes. */
  public static FloatImage cropToMultiple(FloatImage in, int s) {
    if (s <= 0 || in.height() < s || in.width() < s) {
      throw new IllegalArgumentException("cannot crop " + in + " to a multiple of " + s);
    }
    int h = in.height() - in.height() % s;
    int w = in.width() - in.width() % s;
    return h == in.height() && w == in.width() ? in : in.crop(0, 0, h, w);
  }

  /** Vertical pass of one plane: whole input rows are accumulated, so access stays sequential. */
  private static void resizeColumns(float[] src, int offset, int width, ResizeWeights wt,
      double[] dst) {
    java.util.Arrays.fill(dst, 0);
    for (int y = 0; y < wt.outLength; y++) {
      int dstRow = y * width;
      for (int k = 0; k < wt.taps; k++) {
        double weight = wt.weights[y * wt.taps + k];
        int srcRow = offset + wt.indices[y * wt.taps + k] * width;
        for (int x = 0; x < width; x++) {
          dst[dstRow + x] += weight * src[srcRow + x];
        }
      }
    }
  }

  /** Horizontal pass of one plane. */
  private static void resizeRows(double[] src, int height, int width, ResizeWeights wt,
      float[] dst, int offset) {
    for (int y = 0; y < height; y++) {
      int srcRow = y * width;
      int dstRow = offset + y * wt.outLength;
      for (int x = 0; x < wt.outLength; x++) {
        double sum = 0;
        int base = x * wt.taps;
        for (int k = 0; k < wt.taps; k++) {
          sum += wt.weights[base + k] * src[srcRow + wt.indices[base + k]];
        }
        dst[dstRow + x] = (float) sum;
      }
    }
  }
}
