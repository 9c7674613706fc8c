package io.pcsr.udf.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.pcsr.udf.checkpoint.CheckpointLoader;
import io.pcsr.udf.model.PcsrModel;
import io.pcsr.udf.model.Precision;
import io.pcsr.udf.train.BundledModel;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

/** The chunk decision per device, with the GPU's free memory faked (no GPU needed). */
class ChunkChoiceTest {
  private static final long GIB = 1L << 30;

  @Test
  void aConfiguredChunkWinsOnAnyDevice() {
    ChunkChoice c = ChunkChoice.choose(4096, 262_144, Device.gpu(0), d -> 40 * GIB, 1000);
    assertEquals(4096, c.lrPixels());
    assertEquals("configured", c.reason());
  }

  @Test
  void autoOnACpuKeepsTheCacheFriendlyDefault() {
    ChunkChoice c = ChunkChoice.choose(ChunkChoice.AUTO, 262_144, Device.cpu(),
        d -> { throw new AssertionError("a CPU has no device memory to query"); }, 1000);
    assertEquals(PcsrEngine.CHUNK_LR_PIXELS_DEFAULT, c.lrPixels());
  }

  @Test
  void autoOnAGpuSizesFromFreeMemoryAndSaysWhy() {
    ChunkChoice c = ChunkChoice.choose(ChunkChoice.AUTO, 1 << 30, Device.gpu(0), d -> 2 * GIB, 4096);
    assertEquals(262_144, c.lrPixels()); // 2 GiB x 0.5 / 4096 B
    assertTrue(c.reason().contains("2.00 GiB free"), c.reason());
  }

  @Test
  void aFailedMemoryQueryFallsBackToTheCpuDefault() {
    ChunkChoice c = ChunkChoice.choose(ChunkChoice.AUTO, 262_144, Device.gpu(0),
        d -> { throw new IllegalStateException("No GPU device detected."); }, 1000);
    assertEquals(PcsrEngine.CHUNK_LR_PIXELS_DEFAULT, c.lrPixels());
    assertTrue(c.reason().contains("No GPU device detected."), c.reason());
  }

  @Test
  void negativeChunksAreRefused() {
    assertThrows(IllegalArgumentException.class,
        () -> ChunkChoice.choose(-1, 10, Device.cpu(), d -> 0, 1000));
  }

  /** float16 halves the bytes per LR pixel of the MLP arrays, so about twice the chunk fits. */
  @Test
  void halfPrecisionNeedsFewerBytesPerLrPixel() throws Exception {
    try (NDManager m = NDManager.newBaseManager();
        PcsrModel f32 = PcsrModel.fromCheckpoint(CheckpointLoader.load(BundledModel.file()), m,
            "bundled", Precision.FLOAT32);
        PcsrModel f16 = PcsrModel.fromCheckpoint(CheckpointLoader.load(BundledModel.file()), m,
            "bundled", Precision.FLOAT16)) {
      long full = ChunkMemory.bytesPerLrPixel(f32, 4);
      long half = ChunkMemory.bytesPerLrPixel(f16, 4);
      // FSRCNN-PCSR x4: the heavy MLP alone keeps >= 4 arrays of 58 floats per HR row, 16 rows
      assertTrue(full > 16 * 4 * 58 * 4, "float32 bytes per LR pixel " + full);
      assertTrue(half < full && half > full / 3, "float16 " + half + " vs float32 " + full);
    }
  }
}
