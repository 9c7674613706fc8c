package io.pcsr.udf.routing;

import io.pcsr.udf.concurrent.HostLoops;
import java.util.ArrayList;
import java.util.List;

/**
 * The official ADM clustering, reproduced step by step: 1-D Lloyd 2-means (at most 20
 * iterations, stop when the squared centroid shift is at most 1e-4) over min-max-normalised
 * p_heavy of all pixels, started the way the official call effectively starts it. It passes a
 * single initial centroid 0.5 for two clusters, so the first step assigns everything to cluster
 * 0 and yields centroids {mean, 0} (the empty cluster's NaN becomes 0). The cluster holding the
 * smallest value is light. Distances are compared in float32 with the library's formula
 * {@code 2xc - x^2 - c^2} so that near-boundary pixels fall the same way.
 *
 * <p>Each Lloyd step needs, per cluster, the count and the sum of its points. Done as a pass
 * over every pixel that is ~15 passes per image (75 ms of a 1.4 s CARN image). Instead the
 * normalised values are bucket-sorted once; in 1-D a step's assignment changes sign only at
 * the midpoint between the centroids, so whole buckets away from it are summed from prefix
 * sums and only the pixels in a band around the midpoint are compared one by one with the
 * float32 formula. The band is wide enough ({@link #BAND_DIFFERENCE}) that float32 rounding
 * cannot flip a pixel outside it, so every pixel lands in the same cluster as with a full pass.
 * Images too large to copy ({@link #SORTED_MAX_PIXELS}) keep the full passes.
 *
 * <p>The passes over the pixels (range, bucket counts, bucket sort) go piece by piece, in
 * parallel on the common pool when asked (on a GPU, where the host's other cores idle: ADM's
 * routing was a third of a 2K image's time on the H200). Each bucket's values are summed on
 * their own and the buckets' sums added in order, so the centroids do not depend on the thread
 * count.
 */
public final class TwoMeans {
  static final int MAX_ITER = 20;
  static final double TOL = 1e-4;
  /** Above this many pixels (a 128 MB copy) each step is a pass over the pixels in place. */
  static final long SORTED_MAX_PIXELS = 1L << 25;
  private static final int BUCKETS = 1 << 10;
  /**
   * Outside the band the exact similarity difference exceeds this; float32 rounding of
   * {@code 2xc - x^2 - c^2} with x, c in [0, 1] is below 1e-6, so it cannot change a sign there.
   */
  private static final double BAND_DIFFERENCE = 1e-5;
  /** Buckets summed per parallel piece. */
  private static final int BUCKET_GROUP = 64;
  /** Pixels per piece of a pass. */
  private static final int PIECE = 1 << 16;

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
    return fit(parts, false);
  }

  /** As {@link #fit(List)}, the passes over the pixels in parallel pieces when asked. */
  public static RoutingRule.TwoMeansAssignment fit(List<float[]> parts, boolean parallel) {
    return fit(parts, SORTED_MAX_PIXELS, parallel);
  }

  static RoutingRule.TwoMeansAssignment fit(List<float[]> parts, long sortedMaxPixels) {
    return fit(parts, sortedMaxPixels, false);
  }

  static RoutingRule.TwoMeansAssignment fit(List<float[]> parts, long sortedMaxPixels,
      boolean parallel) {
    List<Piece> pieces = Piece.of(parts);
    float[] mins = new float[pieces.size()];
    float[] maxs = new float[pieces.size()];
    HostLoops.forEach(pieces.size(), parallel, i -> {
      Piece piece = pieces.get(i);
      float lo = Float.POSITIVE_INFINITY;
      float hi = Float.NEGATIVE_INFINITY;
      for (int j = piece.from; j < piece.to; j++) {
        lo = Math.min(lo, piece.values[j]);
        hi = Math.max(hi, piece.values[j]);
      }
      mins[i] = lo;
      maxs[i] = hi;
    });
    float min = Float.POSITIVE_INFINITY;
    float max = Float.NEGATIVE_INFINITY;
    long n = 0;
    for (int i = 0; i < mins.length; i++) {
      min = Math.min(min, mins[i]);
      max = Math.max(max, maxs[i]);
    }
    for (float[] part : parts) {
      n += part.length;
    }
    float range = max - min;
    if (n == 0 || !(range > 0)) {
      // the official code asserts here; every pixel alike means none is harder: all light
      return new RoutingRule.TwoMeansAssignment(0f, 0f, 0f, 0f, false);
    }
    Clusters clusters = n <= sortedMaxPixels
        ? new SortedValues(pieces, (int) n, min, range, parallel)
        : new FullPasses(parts, min, range);
    // iteration 1 from the single centroid 0.5: every point in cluster 0 -> {mean, 0}
    float c0 = (float) (clusters.total() / n);
    float c1 = 0f;
    // that first move (from 0.5) is at least 0.25 > tol, so iterate on
    for (int iter = 1; iter < MAX_ITER; iter++) {
      Split split = clusters.split(c0, c1);
      long n1 = n - split.n0;
      float new0 = split.n0 == 0 ? 0f : (float) (split.s0 / split.n0);
      float new1 = n1 == 0 ? 0f : (float) (split.s1 / n1);
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

  /** The library's test: is normalised value v closer to c1 than to c0 (float32)? */
  static boolean inCluster1(float v, float c0, float c1) {
    float vsq = v * v;
    return 2f * v * c1 - vsq - c1 * c1 > 2f * v * c0 - vsq - c0 * c0;
  }

  /** Count and sum of cluster 0 and sum of cluster 1 for one assignment step. */
  record Split(long n0, double s0, double s1) {}

  /** The normalised values of an image and the per-step sums over them. */
  private interface Clusters {
    double total();

    Split split(float c0, float c1);
  }

  /** Every step is one pass over the pixels, as the library does it. */
  private static final class FullPasses implements Clusters {
    private final List<float[]> parts;
    private final float min;
    private final float range;

    FullPasses(List<float[]> parts, float min, float range) {
      this.parts = parts;
      this.min = min;
      this.range = range;
    }

    @Override public double total() {
      double sum = 0;
      for (float[] part : parts) {
        for (float v : part) {
          sum += (v - min) / range;
        }
      }
      return sum;
    }

    @Override public Split split(float c0, float c1) {
      double s0 = 0;
      double s1 = 0;
      long n0 = 0;
      for (float[] part : parts) {
        for (float p : part) {
          float v = (p - min) / range;
          // branch-free: near the boundary the branch mispredicts about every other pixel
          boolean inOne = inCluster1(v, c0, c1);
          s1 += inOne ? v : 0.0;
          s0 += inOne ? 0.0 : v;
          n0 += inOne ? 0 : 1;
        }
      }
      return new Split(n0, s0, s1);
    }
  }

  /** Values bucket-sorted once; a step sums whole buckets and tests only a band. */
  private static final class SortedValues implements Clusters {
    private final float[] sorted;
    /** Bucket b holds sorted[start[b] .. start[b + 1]). */
    private final int[] start = new int[BUCKETS + 1];
    /** prefix[i]: sum of sorted[0 .. i) for i at bucket starts. */
    private final double[] prefix = new double[BUCKETS + 1];
    private final double total;

    SortedValues(List<Piece> pieces, int n, float min, float range, boolean parallel) {
      // buckets from a product, not the division: one off at a bucket edge is harmless (the
      // band has a bucket of slack each side), the values themselves are divided exactly
      float toBucket = BUCKETS / range;
      int[][] counts = new int[pieces.size()][BUCKETS];
      HostLoops.forEach(pieces.size(), parallel, i -> {
        Piece piece = pieces.get(i);
        int[] count = counts[i];
        for (int j = piece.from; j < piece.to; j++) {
          count[bucket((piece.values[j] - min) * toBucket)]++;
        }
      });
      // each piece fills its own stretch of every bucket, in piece order: the same array as
      // one pass over the pixels would give
      int[][] next = new int[pieces.size()][BUCKETS];
      int at = 0;
      for (int b = 0; b < BUCKETS; b++) {
        start[b] = at;
        for (int i = 0; i < pieces.size(); i++) {
          next[i][b] = at;
          at += counts[i][b];
        }
      }
      start[BUCKETS] = at;
      sorted = new float[n];
      HostLoops.forEach(pieces.size(), parallel, i -> {
        Piece piece = pieces.get(i);
        int[] to = next[i];
        for (int j = piece.from; j < piece.to; j++) {
          float p = piece.values[j];
          sorted[to[bucket((p - min) * toBucket)]++] = (p - min) / range;
        }
      });
      // each bucket summed on its own, then the running total over buckets: the same numbers
      // whether the buckets are summed in parallel or not
      double[] bucketSums = new double[BUCKETS];
      int groups = BUCKETS / BUCKET_GROUP;
      HostLoops.forEach(groups, parallel, g -> {
        for (int b = g * BUCKET_GROUP; b < (g + 1) * BUCKET_GROUP; b++) {
          bucketSums[b] = sum(sorted, start[b], start[b + 1]);
        }
      });
      for (int b = 0; b < BUCKETS; b++) {
        prefix[b + 1] = prefix[b] + bucketSums[b];
      }
      total = prefix[BUCKETS];
    }

    /**
     * The sum of values [from, to) in double, four running sums in a fixed pattern: one sum's
     * chain of dependent additions took 1.3 ms of a 2K image's 6.5 ms fit on two threads.
     */
    private static double sum(float[] values, int from, int to) {
      double s0 = 0;
      double s1 = 0;
      double s2 = 0;
      double s3 = 0;
      int i = from;
      for (; i + 4 <= to; i += 4) {
        s0 += values[i];
        s1 += values[i + 1];
        s2 += values[i + 2];
        s3 += values[i + 3];
      }
      for (; i < to; i++) {
        s0 += values[i];
      }
      return (s0 + s1) + (s2 + s3);
    }

    /** Bucket of a value scaled to [0, BUCKETS]. */
    private static int bucket(float scaled) {
      return Math.min(BUCKETS - 1, Math.max(0, (int) scaled));
    }

    @Override public double total() {
      return total;
    }

    @Override public Split split(float c0, float c1) {
      int lo = 0;
      int hi = BUCKETS; // buckets [lo, hi) are tested pixel by pixel
      double slope = 2.0 * Math.abs((double) c1 - c0);
      if (slope > 0) {
        // the similarity difference is slope * |v - mid| up to the squares' rounding
        double mid = ((double) c1 * c1 - (double) c0 * c0) / (2.0 * ((double) c1 - c0));
        double half = BAND_DIFFERENCE / slope;
        lo = (int) Math.max(0, Math.min(BUCKETS, Math.floor((mid - half) * BUCKETS) - 1));
        hi = (int) Math.max(lo, Math.min(BUCKETS, Math.floor((mid + half) * BUCKETS) + 2));
      }
      long n0 = 0;
      double s0 = 0;
      double s1 = 0;
      // below and above the band each side is one cluster; its first pixel says which
      int below = start[lo];
      if (below > 0) {
        if (inCluster1(sorted[0], c0, c1)) {
          s1 += prefix[lo];
        } else {
          n0 += below;
          s0 += prefix[lo];
        }
      }
      int above = sorted.length - start[hi];
      if (above > 0) {
        double sum = prefix[BUCKETS] - prefix[hi];
        if (inCluster1(sorted[sorted.length - 1], c0, c1)) {
          s1 += sum;
        } else {
          n0 += above;
          s0 += sum;
        }
      }
      for (int i = start[lo]; i < start[hi]; i++) {
        float v = sorted[i];
        boolean inOne = inCluster1(v, c0, c1);
        s1 += inOne ? v : 0.0;
        s0 += inOne ? 0.0 : v;
        n0 += inOne ? 0 : 1;
      }
      return new Split(n0, s0, s1);
    }
  }

  /** Values [from, to) of one part. */
  private record Piece(float[] values, int from, int to) {
    /** The parts cut into pieces of at most {@link #PIECE} values, in order. */
    static List<Piece> of(List<float[]> parts) {
      List<Piece> pieces = new ArrayList<>();
      for (float[] part : parts) {
        for (int from = 0; from < part.length; from += PIECE) {
          pieces.add(new Piece(part, from, Math.min(part.length, from + PIECE)));
        }
      }
      return pieces;
    }
  }
}
