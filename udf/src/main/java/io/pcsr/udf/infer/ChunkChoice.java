package io.pcsr.udf.infer;

import ai.djl.Device;
import ai.djl.util.cuda.CudaUtils;
import java.lang.management.MemoryUsage;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's chunk size and why it was chosen: a configured number wins; "auto" means the
 * cache-friendly {@link PcsrEngine#CHUNK_LR_PIXELS_DEFAULT} on a CPU and, on a GPU, as many LR
 * pixels as {@link ChunkSizing} fits into the free device memory, up to a configured maximum
 * (a GPU is only busy with batches far larger than what suits a CPU cache).
 *
 * @param lrPixels LR pixels per chunk
 * @param reason one line for logs and benchmark output
 */
public record ChunkChoice(int lrPixels, String reason) {
  /** The configuration value that asks for automatic sizing. */
  public static final int AUTO = 0;

  /** Default upper bound of an automatic GPU chunk: 262144 LR pixels = 4.2 M HR rows at x4. */
  public static final int GPU_MAX_DEFAULT = 262_144;

  private static final Logger LOG = LoggerFactory.getLogger(ChunkChoice.class);

  /** Free bytes of a GPU as CUDA reports them (cudaMemGetInfo through DJL). */
  static long cudaFreeBytes(Device gpu) {
    MemoryUsage m = CudaUtils.getGpuMemory(gpu); // used = total - free, max = total
    return m.getMax() - m.getUsed();
  }

  /** Chooses for DJL's default device, where the engine puts its arrays, and logs the choice. */
  public static ChunkChoice forDefaultDevice(int requested, int gpuMax, long bytesPerLrPixel) {
    return forDevice(ai.djl.engine.Engine.getInstance().defaultDevice(), requested, gpuMax,
        bytesPerLrPixel);
  }

  /** Chooses for the device the engine's arrays live on, and logs the choice. */
  public static ChunkChoice forDevice(Device device, int requested, int gpuMax,
      long bytesPerLrPixel) {
    ChunkChoice c = choose(requested, gpuMax, device, ChunkChoice::cudaFreeBytes, bytesPerLrPixel);
    LOG.info("PCSR engine chunk: {} LR pixels ({})", c.lrPixels(), c.reason());
    return c;
  }

  /**
   * @param requested a positive chunk size, or {@link #AUTO}
   * @param gpuMax upper bound of an automatic chunk on a GPU
   * @param freeBytes free memory of a GPU device (may throw where CUDA cannot be queried)
   */
  static ChunkChoice choose(int requested, int gpuMax, Device device,
      ToLongFunction<Device> freeBytes, long bytesPerLrPixel) {
    if (requested < 0) {
      throw new IllegalArgumentException("chunk must be positive or 0 (auto), got " + requested);
    }
    if (requested > 0) {
      return new ChunkChoice(requested, "configured");
    }
    if (!device.isGpu()) {
      return new ChunkChoice(PcsrEngine.CHUNK_LR_PIXELS_DEFAULT, "auto on " + device
          + ": the cache-friendly CPU default");
    }
    long free;
    try {
      free = freeBytes.applyAsLong(device);
    } catch (RuntimeException | LinkageError e) {
      return new ChunkChoice(PcsrEngine.CHUNK_LR_PIXELS_DEFAULT, "auto on " + device
          + ": free memory unknown (" + e.getMessage() + "), CPU default kept");
    }
    int chunk = ChunkSizing.chunkLrPixels(free, bytesPerLrPixel, ChunkSizing.SAFETY_FRACTION, gpuMax);
    return new ChunkChoice(chunk, String.format(java.util.Locale.ROOT,
        "auto on %s: %.2f GiB free x %.2f / %d bytes per LR pixel, max %d", device,
        free / (double) (1L << 30), ChunkSizing.SAFETY_FRACTION, bytesPerLrPixel, gpuMax));
  }
}
