package io.pcsr.udf.train;

/**
 * Cosine decay from {@code base} to {@code min} over {@code total} iterations, as
 * CosineAnnealingLR(_Restart) with a single period: lr(i) = min + (base-min)(1 + cos(pi i/T))/2
 * for the i-th update (i = 0 for the first).
 */
record CosineSchedule(double base, double min, long total) {
  double at(long i) {
    double t = Math.min(1.0, (double) i / Math.max(1, total));
    return min + (base - min) * 0.5 * (1 + Math.cos(Math.PI * t));
  }
}
