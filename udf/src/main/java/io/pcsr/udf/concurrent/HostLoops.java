package io.pcsr.udf.concurrent;

import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * The engine's own array loops (bilinear residual, adding upsampler output, the MLPs and the
 * backbone's convolutions on the host), optionally spread over the JVM's common pool.
 * On a GPU: there one task feeds the device and the host's other cores would idle while these
 * loops run (on an H100, with the count-first ChunkRoutes, a 2K all-heavy image went from 70 to
 * 60 ms). On a CPU only the SIMD kernels, and only where libtorch itself was given several
 * threads: a Spark executor runs one task per core with one torch thread each.
 */
public final class HostLoops {
  private HostLoops() {}

  /** body(i) for i in [0, n): in parallel when asked, else in order on this thread. */
  public static void forEach(int n, boolean parallel, IntConsumer body) {
    if (parallel && n > 1) {
      IntStream.range(0, n).parallel().forEach(body);
    } else {
      for (int i = 0; i < n; i++) {
        body.accept(i);
      }
    }
  }
}
