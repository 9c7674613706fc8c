package io.pcsr.udf.routing;

/**
 * The official ADM clustering, reproduced step by step: 1-D Lloyd 2-means (at most 20
 * iterations, stop when the squared centroid shift is at most 1e-4) over min-max-normalised
 * p_heavy of all pixels, started the way the official call effectively starts it. It passes a
 * single initial centroid 0.5 for two clusters, so the first step assigns everything to cluster
 * 0 and yields centroids {mean, 0} (the empty cluster's NaN becomes 0). The cluster holding the
 * smallest value is light. Distances are compared in float32 with the library's formula
 * {@code 2xc - x^2 - c^2} so that near-boundary pixels fall the same way.
 */
public final class TwoMeans {
  static final int MAX_ITER = 20;
  static final double TOL = 1e-4;

  private TwoMeans() {}

  /** Class per pixel, 1 = heavy. */
  public static byte[] classify(float[] pHeavy) {
    int n = pHeavy.length;
    byte[] flags = new byte[n];
    if (n == 0) {
      return flags;
    }
    float min = Float.POSITIVE_INFINITY;
    float max = Float.NEGATIVE_INFINITY;
    int argMin = 0;
    for (int i = 0; i < n; i++) {
      float v = pHeavy[i];
      if (v < min) {
        min = v;
        argMin = i;
      }
      max = Math.max(max, v);
    }
    if (max == min) {
      // the official code asserts here; every pixel alike means no pixel is harder: all light
      return flags;
    }
    float range = max - min;
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (pHeavy[i] - min) / range;
    }
    // iteration 1 from the single centroid 0.5: all points in cluster 0
    double sum = 0;
    for (float v : x) {
      sum += v;
    }
    float c0 = (float) (sum / n);
    float c1 = 0f;
    // the first update moved from [0.5] to [mean, 0]: error >= 0.25 > tol, so iterate on
    for (int iter = 1; iter < MAX_ITER; iter++) {
      double s0 = 0;
      double s1 = 0;
      long n0 = 0;
      float c0sq = c0 * c0;
      float c1sq = c1 * c1;
      for (int i = 0; i < n; i++) {
        float v = x[i];
        float vsq = v * v;
        float sim0 = 2f * v * c0 - vsq - c0sq;
        float sim1 = 2f * v * c1 - vsq - c1sq;
        if (sim1 > sim0) {
          flags[i] = 1;
          s1 += v;
        } else {
          flags[i] = 0;
          s0 += v;
          n0++;
        }
      }
      long n1 = n - n0;
      float new0 = n0 == 0 ? 0f : (float) (s0 / n0);
      float new1 = n1 == 0 ? 0f : (float) (s1 / n1);
      double error = (double) (new0 - c0) * (new0 - c0) + (double) (new1 - c1) * (new1 - c1);
      c0 = new0;
      c1 = new1;
      if (error <= TOL) {
        break;
      }
    }
    if (flags[argMin] == 1) {
      for (int i = 0; i < n; i++) {
        flags[i] = (byte) (1 - flags[i]);
      }
    }
    return flags;
  }
}
