package io.pcsr.udf.model;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Arrays for one backbone pass's {@link ChannelRows}, handed back when a tensor is dead and
 * handed out again to the next one of the same size.
 *
 * <p>Why: CARN-M's host path makes 22 whole tensors per pass on one thread (40 split over
 * threads) but holds about nine at once. On a 2K image each is 26 MB, which the JVM zeroes on
 * allocation and G1 takes as a humongous object. A recycled array keeps its zero border,
 * because {@link PlanarConv} and {@link ChannelRows#fromNhwc} write only pixels and the columns
 * they pad with zeros, and all the 52-channel tensors of a pass have one shape.
 *
 * <p>One pass, one thread: not thread-safe, and nothing is kept after the pass. (Kept per thread
 * between passes, a Spark run's heap peaked at 4540 MiB against 1614-2180, and G1 still ran a
 * marking cycle about every 0.8 s: the engine's per-tile outputs are humongous too.)
 */
final class RowsPool {
  private final Map<Integer, ArrayDeque<float[]>> free = new HashMap<>();

  /** Rows of this shape: a recycled array when one is free, else a new one. */
  ChannelRows take(int images, int channels, int height, int width) {
    int length = ChannelRows.length(images, channels, height, width);
    ArrayDeque<float[]> same = free.get(length);
    float[] data = same == null ? null : same.poll();
    return data == null ? new ChannelRows(images, channels, height, width)
        : new ChannelRows(data, images, channels, height, width, 0);
  }

  /** Hands back rows nobody reads any more. */
  void give(ChannelRows rows) {
    free.computeIfAbsent(rows.data().length, k -> new ArrayDeque<>()).push(rows.data());
  }
}
