package io.pcsr.udf.model;

/**
 * Whether a backbone may run some of its ops on the JVM's SIMD units instead of libtorch, and
 * whether those kernels may spread over the common pool. The engine decides per call (CPU,
 * float32, the incubating vector module resolved), because one loaded model serves every
 * engine of the JVM, on whatever device.
 *
 * @param enabled host kernels allowed; only true where {@code jdk.incubator.vector} is resolved
 * @param parallel split the kernels' pixels over the common pool (libtorch has several threads)
 */
public record HostSimd(boolean enabled, boolean parallel) {
  /** Everything in libtorch. */
  public static final HostSimd OFF = new HostSimd(false, false);
}
