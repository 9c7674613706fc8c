package io.pcsr.udf.infer;

/**
 * The rule that turns free device memory into a chunk size (LR pixels per MLP batch). Pure
 * arithmetic, no device access, so it can be tested without a GPU.
 *
 * <p>Why only a fraction of the free memory: PyTorch's CUDA caching allocator keeps freed blocks
 * for reuse and fragments, the tile's backbone features and the chunk's index arrays share the
 * device, and a figure read once at model load is stale by the time a large tile runs.
 */
public final class ChunkSizing {
  /** Share of the free device memory one chunk's activations may plan to use. */
  public static final double SAFETY_FRACTION = 0.5;

  /** Larger chunks are rounded down to a multiple of this (whole warps of rows at any scale). */
  static final int ROUNDING = 256;

  private ChunkSizing() {}

  /**
   * @param freeBytes free device memory
   * @param bytesPerLrPixel device bytes one LR pixel of a chunk needs ({@link ChunkMemory})
   * @param fraction share of {@code freeBytes} to plan with, in (0, 1]
   * @param maxChunk upper bound (LR pixels), from the configuration
   * @return LR pixels per chunk: {@code floor(freeBytes * fraction / bytesPerLrPixel)}, rounded
   *     down to a multiple of {@link #ROUNDING} when larger than it, within [1, maxChunk]
   */
  public static int chunkLrPixels(long freeBytes, long bytesPerLrPixel, double fraction,
      int maxChunk) {
    if (bytesPerLrPixel <= 0) {
      throw new IllegalArgumentException("bytes per LR pixel must be positive, got " + bytesPerLrPixel);
    }
    if (!(fraction > 0 && fraction <= 1)) {
      throw new IllegalArgumentException("memory fraction must be in (0, 1], got " + fraction);
    }
    if (maxChunk < 1) {
      throw new IllegalArgumentException("maximum chunk must be positive, got " + maxChunk);
    }
    double fits = Math.max(0, freeBytes) * fraction / bytesPerLrPixel;
    long chunk = (long) Math.min(fits, maxChunk);
    if (chunk > ROUNDING) {
      chunk -= chunk % ROUNDING;
    }
    return (int) Math.max(1, chunk);
  }
}
