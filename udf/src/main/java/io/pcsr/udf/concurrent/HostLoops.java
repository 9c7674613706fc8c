package io.pcsr.udf.concurrent;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * The engine's own array loops (bilinear residual, adding upsampler output, the MLPs and the
 * backbone's convolutions on the host), optionally spread over the JVM's common pool.
 * On a GPU: there one task feeds the device and the host's other cores would idle while these
 * loops run (on an H100, with the count-first ChunkRoutes, a 2K all-heavy image went from 70 to
 * 60 ms). On a CPU only where libtorch itself was given several threads (a local run): a Spark
 * executor runs one task per core with one torch thread each.
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

  /**
   * body(i) for i in [0, n), each thread of the common pool and this one claiming the next i
   * until none is left: for items of uneven cost (a mixed chunk's heavy rows). A parallel
   * stream splits the range into a few fixed pieces up front, and the thread with the heavy
   * end of the image finishes last.
   */
  public static void forEachClaimed(int n, boolean parallel, IntConsumer body) {
    int helpers = parallel ? Math.min(n - 1, ForkJoinPool.getCommonPoolParallelism()) : 0;
    if (helpers < 1) {
      forEach(n, false, body);
      return;
    }
    AtomicInteger next = new AtomicInteger();
    // the first failure as thrown (a join rethrows a helper's wrapped in a copy)
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Runnable claim = () -> {
      try {
        for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
          body.accept(i);
        }
      } catch (RuntimeException | Error e) {
        next.set(n); // the others stop at their next claim
        if (!failure.compareAndSet(null, e)) {
          failure.get().addSuppressed(e);
        }
      }
    };
    ForkJoinTask<?>[] tasks = new ForkJoinTask<?>[helpers];
    for (int t = 0; t < helpers; t++) {
      tasks[t] = ForkJoinPool.commonPool().submit(claim);
    }
    claim.run();
    for (ForkJoinTask<?> task : tasks) {
      task.join(); // a helper not yet started runs here, and finds nothing left to claim
    }
    Throwable e = failure.get();
    if (e instanceof RuntimeException r) {
      throw r;
    }
    if (e != null) {
      throw (Error) e;
    }
  }
}
