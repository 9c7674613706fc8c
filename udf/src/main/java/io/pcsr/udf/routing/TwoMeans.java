package io.pcsr.udf.routing;

import java.util.List;

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
    return fit(List.of(pHeavy)).apply(null, pHeavy);
  }

  /**
   * Fits the clustering on the concatenation of {@code parts} (an image's tiles, in a fixed
   * order) and returns the final assignment as a rule.
   */
  public static RoutingRule.TwoMeansAssignment fit(List<float[]> parts) {
    float min = Float.POSITIVE_INFINITY;
    float max = Float.NEGATIVE_INFINITY;
    long n = 0;
    for (float[] part : parts) {
      for (float v : part) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
      n += part.length;
    }
    float range = max - min;
    if (n == 0 || !(range > 0)) {
      // the official code asserts here; every pixel alike means none is harder: all light
      return new RoutingRule.TwoMeansAssignment(0f, 0f, 0f, 0f, false);
    }
    // iteration 1 from the single centroid 0.5: every point in cluster 0 -> {mean, 0}
    double sum = 0;
    for (float[] part : parts) {
      for (float v : part) {
        sum += (v - min) / range;
      }
    }
    float c0 = (float) (sum / n);
    float c1 = 0f;
    // that first move (from 0.5) is at least 0.25 > tol, so iterate on
    for (int iter = 1; iter < MAX_ITER; iter++) {
      double s0 = 0;
      double s1 = 0;
      long n0 = 0;
      float c0sq = c0 * c0;
      float c1sq = c1 * c1;
      for (float[] part : parts) {
        for (float p : part) {
          float v = (p - min) / range;
          float vsq = v * v;
          // branch-free: near the boundary the branch mispredicts about every other pixel
          boolean inOne = 2f * v * c1 - vsq - c1sq > 2f * v * c0 - vsq - c0sq;
          s1 += inOne ? v : 0.0;
          s0 += inOne ? 0.0 : v;
          n0 += inOne ? 0 : 1;
        }
      }
      long n1 = n - n0;
      float new0 = n0 == 0 ? 0f : (float) (s0 / n0);
      float new1 = n1 == 0 ? 0f : (float) (s1 / n1);
      double error = (double) (new0 - c0) * (new0 - c0) + (double) (new1 - c1) * (new1 - c1);
      if (error <= TOL || iter == MAX_ITER - 1) {
        break; // the official result is this iteration's assignment, made with c0, c1
      }
      c0 = new0;
      c1 = new1;
    }
    // the minimum normalises to 0; its cluster must be the light one
    boolean minInCluster1 = -(c1 * c1) > -(c0 * c0);
    return new RoutingRule.TwoMeansAssignment(min, range, c0, c1, minInCluster1);
  }
}
