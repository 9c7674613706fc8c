package io.pcsr.udf.model;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Arrays for one backbone pass's {@link ChannelRows}, handed back when a tensor is dead and
 * handed out again to the next one of the same size.
 *
 * <p>Why: CARN-M's host path makes 46 tensors per pass but holds at most a dozen at once. On a 2K
 * image each is 26 MB; allocating every one (the JVM zeroes it, and G1 takes it as a humongous
 * object) cost about a fifth of the pass. A recycled array keeps its zero border, because
 * {@link PlanarConv} and {@link ChannelRows#fromNhwc} write only pixels and the columns they
 * pad with zeros.
 *
 * <p>One pass, one thread: not thread-safe, and nothing is kept after the pass.
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
