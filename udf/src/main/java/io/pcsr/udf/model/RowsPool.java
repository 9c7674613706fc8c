package io.pcsr.udf.model;

import java.lang.ref.SoftReference;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Arrays for {@link ChannelRows}, handed back when a tensor is dead and handed out again to
 * the next tensor of the same shape, in this backbone pass or the thread's next one.
 *
 * <p>Why: CARN-M's host path makes 22 whole tensors per pass but holds about nine at once. For a
 * Spark tile each is 20 MB: a humongous object to G1, so allocating them afresh set off a
 * concurrent marking cycle every few tiles (111 cycles and 192 humongous-allocation pauses in
 * one `bench-job` process), on the same two cores as the engine. Kept per thread, each array is
 * allocated once and stays in the old generation.
 *
 * <p>Recycled arrays keep their zero border: {@link PlanarConv} and {@link ChannelRows#fromNhwc}
 * write only pixels and the columns they pad with zeros, and arrays are matched by shape, not
 * length. A pool keeps at most an eighth of the heap's limit; past that, handed-back arrays go
 * to the garbage collector, and the whole pool is softly held, so memory pressure clears it.
 *
 * <p>One thread: not thread-safe.
 */
final class RowsPool {
  private static final ThreadLocal<SoftReference<RowsPool>> PER_THREAD = new ThreadLocal<>();

  private record Key(int images, int channels, int height, int width) {}

  private final Map<Key, ArrayDeque<float[]>> free = new HashMap<>();
  private final long maxBytes;
  private long heldBytes;

  RowsPool(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** A pool that keeps nothing past its owner's pass (tests, one-off calls). */
  RowsPool() {
    this(Long.MAX_VALUE);
  }

  /** This thread's pool, kept between passes. */
  static RowsPool forThisThread() {
    SoftReference<RowsPool> ref = PER_THREAD.get();
    RowsPool pool = ref == null ? null : ref.get();
    if (pool == null) {
      pool = new RowsPool(Runtime.getRuntime().maxMemory() / 8);
      PER_THREAD.set(new SoftReference<>(pool));
    }
    return pool;
  }

  /** Rows of this shape: a recycled array when one is free, else a new one. */
  ChannelRows take(int images, int channels, int height, int width) {
    ArrayDeque<float[]> same = free.get(new Key(images, channels, height, width));
    float[] data = same == null ? null : same.poll();
    if (data == null) {
      return new ChannelRows(images, channels, height, width);
    }
    heldBytes -= (long) data.length * Float.BYTES;
    return new ChannelRows(data, images, channels, height, width, 0);
  }

  /** Hands back whole rows (not a ring) that nobody reads any more. */
  void give(ChannelRows rows) {
    if (rows.slots() > 0) {
      throw new IllegalArgumentException("rings are not pooled");
    }
    long bytes = (long) rows.data().length * Float.BYTES;
    if (heldBytes + bytes > maxBytes) {
      return;
    }
    heldBytes += bytes;
    free.computeIfAbsent(new Key(rows.images(), rows.channels(), rows.height(), rows.width()),
        k -> new ArrayDeque<>()).push(rows.data());
  }
}
