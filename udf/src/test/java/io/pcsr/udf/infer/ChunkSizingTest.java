package io.pcsr.udf.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ChunkSizingTest {
  private static final long GIB = 1L << 30;

  @Test
  void plansWithTheSafetyFractionOfFreeMemory() {
    // 1 GiB free, half of it, 4096 bytes per LR pixel: 131072 LR pixels
    assertEquals(131_072, ChunkSizing.chunkLrPixels(GIB, 4096, 0.5, 1 << 30));
    // twice the bytes per pixel, half the chunk
    assertEquals(65_536, ChunkSizing.chunkLrPixels(GIB, 8192, 0.5, 1 << 30));
  }

  @Test
  void roundsDownToWholeBlocksAndNeverPlansMoreThanFits() {
    long bytesPerPixel = 3000;
    int chunk = ChunkSizing.chunkLrPixels(GIB, bytesPerPixel, 0.5, 1 << 30);
    assertEquals(0, chunk % ChunkSizing.ROUNDING);
    long fits = (long) (GIB * 0.5 / bytesPerPixel);
    assertEquals(fits - fits % ChunkSizing.ROUNDING, chunk);
  }

  @Test
  void theConfiguredMaximumBoundsALargeGpu() {
    assertEquals(262_144, ChunkSizing.chunkLrPixels(80 * GIB, 1000, 0.5, 262_144));
  }

  @Test
  void littleFreeMemoryGivesASmallButPositiveChunk() {
    assertEquals(100, ChunkSizing.chunkLrPixels(200_000, 1000, 0.5, 262_144)); // below rounding
    assertEquals(1, ChunkSizing.chunkLrPixels(0, 1000, 0.5, 262_144));
    assertEquals(1, ChunkSizing.chunkLrPixels(-5, 1000, 0.5, 262_144));
  }

  @Test
  void refusesMeaninglessInputs() {
    assertThrows(IllegalArgumentException.class, () -> ChunkSizing.chunkLrPixels(GIB, 0, 0.5, 10));
    assertThrows(IllegalArgumentException.class, () -> ChunkSizing.chunkLrPixels(GIB, 10, 0, 10));
    assertThrows(IllegalArgumentException.class, () -> ChunkSizing.chunkLrPixels(GIB, 10, 1.5, 10));
    assertThrows(IllegalArgumentException.class, () -> ChunkSizing.chunkLrPixels(GIB, 10, 0.5, 0));
  }
}
