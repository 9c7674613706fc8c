package io.pcsr.job;

import io.pcsr.udf.image.FloatImage;
import io.pcsr.udf.image.ImageMetrics;
import io.pcsr.udf.infer.SrResult;

/**
 * How far a narrower precision's result is from the float32 result of the same setting: the
 * PSNR change against the ground truth (the target is at most 0.01 dB), the share of
 * HR pixels whose class flipped, and the largest output difference before quantisation.
 */
record PrecisionDelta(double psnrChange, double classFlipShare, double maxAbsDiff) {
  static PrecisionDelta of(SrResult narrow, SrResult float32, FloatImage hr, int scale) {
    double change = ImageMetrics.psnr(narrow.image(), hr, scale)
        - ImageMetrics.psnr(float32.image(), hr, scale);
    float[] a = narrow.heavyShare();
    float[] b = float32.heavyShare();
    long flips = 0;
    for (int i = 0; i < a.length; i++) {
      if (a[i] != b[i]) {
        flips++;
      }
    }
    float[] x = narrow.image().data();
    float[] y = float32.image().data();
    double max = 0;
    for (int i = 0; i < x.length; i++) {
      max = Math.max(max, Math.abs(x[i] - y[i]));
    }
    return new PrecisionDelta(change, flips / (double) Math.max(1, a.length), max);
  }
}
