package io.pcsr.udf.infer;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.pcsr.udf.checkpoint.Checkpoint;
import io.pcsr.udf.checkpoint.CheckpointLoader;
import io.pcsr.udf.model.OriginalModel;
import io.pcsr.udf.model.PcsrModel;
import io.pcsr.udf.model.Precision;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One loaded model per JVM and model file: a Spark executor's tasks, and every partition they
 * run, share it instead of reloading weights per partition. Models stay until the JVM exits or
 * {@link #clear()} is called.
 */
public final class ModelCache {
  private static final Map<String, PcsrEngine> ENGINES = new ConcurrentHashMap<>();
  private static final Map<String, OriginalModel> ORIGINALS = new ConcurrentHashMap<>();
  private static final NDManager ROOT = NDManager.newBaseManager();
  /** One root manager per device an engine was asked for (the default device's is ROOT). */
  private static final Map<Device, NDManager> DEVICE_ROOTS = new ConcurrentHashMap<>();

  private ModelCache() {}

  /** The PCSR engine for this checkpoint file and scale, loading it on first use. */
  public static PcsrEngine engine(Path checkpoint, int scale) {
    return engine(checkpoint, scale, PcsrEngine.CHUNK_LR_PIXELS_DEFAULT);
  }

  /** As {@link #engine(Path, int)} with an explicit chunk size (LR pixels per MLP batch). */
  public static PcsrEngine engine(Path checkpoint, int scale, int chunkLrPixels) {
    return engine(checkpoint, scale, chunkLrPixels, ChunkChoice.GPU_MAX_DEFAULT, Precision.FLOAT32);
  }

  /**
   * The engine for this checkpoint, scale, chunk setting and precision.
   *
   * @param chunkLrPixels LR pixels per MLP batch, or {@link ChunkChoice#AUTO} to size it for the
   *     device when the model loads (see {@link ChunkChoice})
   * @param gpuMaxChunk upper bound of an automatic chunk on a GPU
   */
  public static PcsrEngine engine(Path checkpoint, int scale, int chunkLrPixels, int gpuMaxChunk,
      Precision precision) {
    return engine(checkpoint, scale, chunkLrPixels, gpuMaxChunk, precision, null);
  }

  /**
   * As above, on {@code device} ({@link DevicePlacement}); null means DJL's default device. A
   * JVM driving several GPUs keeps one engine, and one copy of the weights, per GPU.
   */
  public static PcsrEngine engine(Path checkpoint, int scale, int chunkLrPixels, int gpuMaxChunk,
      Precision precision, Device device) {
    precision.requireRunnable(); // before the cache: a refused precision loads nothing
    NDManager root = device == null || device.equals(ROOT.getDevice()) ? ROOT
        : DEVICE_ROOTS.computeIfAbsent(device, NDManager::newBaseManager);
    String key = checkpoint.toAbsolutePath().normalize() + "@x" + scale + "/" + chunkLrPixels
        + "/" + gpuMaxChunk + "/" + precision.label() + "@" + root.getDevice();
    return ENGINES.computeIfAbsent(key, k -> {
      PcsrModel model = loadPcsr(checkpoint, precision, root);
      try {
        ChunkChoice chunk = ChunkChoice.forDevice(root.getDevice(), chunkLrPixels, gpuMaxChunk,
            ChunkMemory.bytesPerLrPixel(model, scale));
        return new PcsrEngine(model, scale, chunk.lrPixels());
      } catch (RuntimeException e) {
        model.close();
        throw e;
      }
    });
  }

  public static OriginalModel original(Path checkpoint) {
    String key = checkpoint.toAbsolutePath().normalize().toString();
    return ORIGINALS.computeIfAbsent(key, k -> {
      NativeCheck.verify(ROOT);
      return OriginalModel.fromCheckpoint(read(checkpoint), ROOT, checkpoint.toString());
    });
  }

  private static PcsrModel loadPcsr(Path checkpoint, Precision precision, NDManager root) {
    NativeCheck.verify(root);
    return PcsrModel.fromCheckpoint(read(checkpoint), root, checkpoint.toString(), precision);
  }

  private static Checkpoint read(Path checkpoint) {
    try {
      return CheckpointLoader.load(checkpoint);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load model " + checkpoint + ": " + e.getMessage(), e);
    }
  }

  /** Closes every cached model (tests; executors simply exit). */
  public static synchronized void clear() {
    ENGINES.values().forEach(e -> {
      e.close();
      e.model().close();
    });
    ENGINES.clear();
    ORIGINALS.values().forEach(OriginalModel::close);
    ORIGINALS.clear();
  }
}
