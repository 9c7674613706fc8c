package io.pcsr.udf.image;

/**
 * Quality metrics as the SR literature computes them: on 8-bit quantised values (what a saved
 * file holds), with a border of {@code shave} pixels removed on every side.
 */
public final class ImageMetrics {
  private static final double PEAK = 255.0;
  private static final int SSIM_WINDOW = 11;
  private static final double SSIM_SIGMA = 1.5;
  private static final double SSIM_C1 = (0.01 * PEAK) * (0.01 * PEAK);
  private static final double SSIM_C2 = (0.03 * PEAK) * (0.03 * PEAK);

  private ImageMetrics() {}

  /** RGB PSNR in dB over all channels (the official PCSR metric); infinite for equal images. */
  public static double psnr(FloatImage sr, FloatImage hr, int shave) {
    requireSameShape(sr, hr, shave);
    int[] a = Quantizer.quantize(sr);
    int[] b = Quantizer.quantize(hr);
    int h = sr.height();
    int w = sr.width();
    double sum = 0;
    long count = 0;
    for (int c = 0; c < sr.channels(); c++) {
      for (int y = shave; y < h - shave; y++) {
        int row = (c * h + y) * w;
        for (int x = shave; x < w - shave; x++) {
          double d = a[row + x] - b[row + x];
          sum += d * d;
          count++;
        }
      }
    }
    return psnrFromMse(sum / count);
  }

  /**
   * PSNR on the BT.601 luma of the quantised RGB, Y = 16 + 65.481 r + 128.553 g + 24.966 b
   * (r, g, b = 8-bit value / 255; Y on the 0-255 scale, not rounded), peak 255: the common SR
   * "Y channel" convention (MATLAB rgb2ycbcr).
   */
  public static double psnrY(FloatImage sr, FloatImage hr, int shave) {
    requireSameShape(sr, hr, shave);
    requireRgb(sr);
    double[] ya = luma(sr);
    double[] yb = luma(hr);
    int h = sr.height();
    int w = sr.width();
    double sum = 0;
    long count = 0;
    for (int y = shave; y < h - shave; y++) {
      for (int x = shave; x < w - shave; x++) {
        double d = ya[y * w + x] - yb[y * w + x];
        sum += d * d;
        count++;
      }
    }
    return psnrFromMse(sum / count);
  }

  /**
   * SSIM (Wang et al. 2004) on quantised 0-255 values: 11x11 Gaussian window, sigma 1.5,
   * C1 = (0.01*255)^2, C2 = (0.03*255)^2, 'valid' filtering (no padding), mean of the SSIM map.
   * Multi-channel images: the mean of the per-channel SSIMs (as BasicSR's calculate_ssim does
   * for RGB), rather than SSIM of the luma.
   */
  public static double ssim(FloatImage a, FloatImage b, int shave) {
    requireSameShape(a, b, shave);
    int h = a.height() - 2 * shave;
    int w = a.width() - 2 * shave;
    if (h < SSIM_WINDOW || w < SSIM_WINDOW) {
      throw new IllegalArgumentException("SSIM needs at least " + SSIM_WINDOW + "x" + SSIM_WINDOW
          + " pixels after shaving, got " + h + "x" + w);
    }
    int[] qa = Quantizer.quantize(a);
    int[] qb = Quantizer.quantize(b);
    double[] kernel = gaussian(SSIM_WINDOW, SSIM_SIGMA);
    double total = 0;
    for (int c = 0; c < a.channels(); c++) {
      double[] x = plane(qa, c, a.height(), a.width(), shave);
      double[] y = plane(qb, c, a.height(), a.width(), shave);
      total += ssimPlane(x, y, h, w, kernel);
    }
    return total / a.channels();
  }

  private static double ssimPlane(double[] x, double[] y, int h, int w, double[] kernel) {
    int n = x.length;
    double[] xx = new double[n];
    double[] yy = new double[n];
    double[] xy = new double[n];
    for (int i = 0; i < n; i++) {
      xx[i] = x[i] * x[i];
      yy[i] = y[i] * y[i];
      xy[i] = x[i] * y[i];
    }
    double[] muX = filterValid(x, h, w, kernel);
    double[] muY = filterValid(y, h, w, kernel);
    double[] sXX = filterValid(xx, h, w, kernel);
    double[] sYY = filterValid(yy, h, w, kernel);
    double[] sXY = filterValid(xy, h, w, kernel);
    double sum = 0;
    for (int i = 0; i < muX.length; i++) {
      double mx = muX[i];
      double my = muY[i];
      double varX = sXX[i] - mx * mx;
      double varY = sYY[i] - my * my;
      double cov = sXY[i] - mx * my;
      sum += ((2 * mx * my + SSIM_C1) * (2 * cov + SSIM_C2))
          / ((mx * mx + my * my + SSIM_C1) * (varX + varY + SSIM_C2));
    }
    return sum / muX.length;
  }

  /** Separable 2-D filtering keeping only positions where the window fits entirely. */
  private static double[] filterValid(double[] src, int h, int w, double[] kernel) {
    int k = kernel.length;
    int ow = w - k + 1;
    int oh = h - k + 1;
    double[] rows = new double[h * ow];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < ow; x++) {
        double s = 0;
        for (int t = 0; t < k; t++) {
          s += kernel[t] * src[y * w + x + t];
        }
        rows[y * ow + x] = s;
      }
    }
    double[] out = new double[oh * ow];
    for (int y = 0; y < oh; y++) {
      for (int t = 0; t < k; t++) {
        double kt = kernel[t];
        int srcRow = (y + t) * ow;
        for (int x = 0; x < ow; x++) {
          out[y * ow + x] += kt * rows[srcRow + x];
        }
      }
    }
    return out;
  }

  private static double[] gaussian(int size, double sigma) {
    double[] g = new double[size];
    double sum = 0;
    int half = size / 2;
    for (int i = 0; i < size; i++) {
      g[i] = Math.exp(-((i - half) * (i - half)) / (2 * sigma * sigma));
      sum += g[i];
    }
    for (int i = 0; i < size; i++) {
      g[i] /= sum;
    }
    return g;
  }

  private static double[] plane(int[] q, int c, int h, int w, int shave) {
    int oh = h - 2 * shave;
    int ow = w - 2 * shave;
    double[] out = new double[oh * ow];
    for (int y = 0; y < oh; y++) {
      for (int x = 0; x < ow; x++) {
        out[y * ow + x] = q[(c * h + y + shave) * w + x + shave];
      }
    }
    return out;
  }

  private static double[] luma(FloatImage image) {
    int[] q = Quantizer.quantize(image);
    int plane = image.height() * image.width();
    double[] y = new double[plane];
    for (int i = 0; i < plane; i++) {
      y[i] = 16 + (65.481 * q[i] + 128.553 * q[plane + i] + 24.966 * q[2 * plane + i]) / 255.0;
    }
    return y;
  }

  private static double psnrFromMse(double mse) {
    return mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(PEAK * PEAK / mse);
  }

  private static void requireSameShape(FloatImage a, FloatImage b, int shave) {
    if (a.channels() != b.channels() || a.height() != b.height() || a.width() != b.width()) {
      throw new IllegalArgumentException("images differ in shape: " + a + " vs " + b);
    }
    if (shave < 0 || 2 * shave >= a.height() || 2 * shave >= a.width()) {
      throw new IllegalArgumentException("shave " + shave + " leaves no pixels of " + a);
    }
  }

  private static void requireRgb(FloatImage image) {
    if (image.channels() != 3) {
      throw new IllegalArgumentException("luma needs an RGB image, got " + image);
    }
  }
}
