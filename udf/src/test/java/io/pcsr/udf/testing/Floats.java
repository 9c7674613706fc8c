package io.pcsr.udf.testing;

/** Comparisons of float arrays for tests that hold two engines' outputs side by side. */
public final class Floats {
  private Floats() {}

  /** Largest |a[i] - b[i]|; the arrays must be the same length. */
  public static double maxAbsDiff(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new AssertionError("lengths differ: " + a.length + " vs " + b.length);
    }
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i] - b[i]));
    }
    return max;
  }
}
