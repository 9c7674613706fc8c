package io.pcsr.udf.spark;

import ai.djl.pytorch.jni.JniUtils;
import io.pcsr.udf.image.RasterHeader;
import io.pcsr.udf.image.Samples;
import io.pcsr.udf.image.tiff.TiffStreaming;
import io.pcsr.udf.image.tiff.TiledTiffWriter;
import io.pcsr.udf.infer.BandRoles;
import io.pcsr.udf.infer.ChunkChoice;
import io.pcsr.udf.infer.DevicePlacement;
import io.pcsr.udf.infer.ModelCache;
import io.pcsr.udf.infer.PcsrEngine;
import io.pcsr.udf.infer.TileProcessor;
import io.pcsr.udf.model.Precision;
import io.pcsr.udf.routing.RoutingPolicy;
import io.pcsr.udf.tiling.Box;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * The UDF: tile records in, tile results out. The model is loaded once per executor JVM
 * ({@link ModelCache}) and shared by its task threads; each task sets its own torch thread count
 * (an OpenMP setting per calling thread). Tiles of one image that arrive together are processed
 * together, which per-image routing needs (the job sorts tiles by image within partitions); the
 * native memory of each group is freed before the next one starts, and results are produced
 * lazily, one image group at a time.
 */
public final class PcsrPartitionFunction implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;
  private final UdfSettings settings;

  public PcsrPartitionFunction(UdfSettings settings) {
    this.settings = settings;
  }

  @Override public Iterator<Row> call(Iterator<Row> tiles) {
    TaskContext task = TaskContext.get();
    if (settings.failFirstAttempt() && task != null && task.attemptNumber() == 0) {
      throw new IllegalStateException("injected failure (" + "spark.pcsr.test.failFirstAttempt"
          + "): partition " + task.partitionId() + ", attempt 0");
    }
    int threads = settings.torchThreads() > 0 ? settings.torchThreads() : taskCpus();
    ai.djl.Device placed = taskDevice(task);
    PcsrEngine engine = ModelCache.engine(ModelFiles.resolve(settings.modelUri(), settings.hadoop()),
        settings.scale(), settings.chunkLrPixels(),
        settings.gpuMaxChunk() > 0 ? settings.gpuMaxChunk() : ChunkChoice.GPU_MAX_DEFAULT,
        Precision.parse(settings.precision()), placed);
    JniUtils.setNumThreads(threads);
    TileProcessor processor = new TileProcessor(engine, RoutingPolicy.parse(settings.routing()),
        settings.refine());
    String executor = executorId();
    String device = deviceName(placed, assignedGpus(task));
    // per-image routing needs an image's tiles together; otherwise one tile at a time keeps
    // memory flat however large the image
    boolean perImage = RoutingPolicy.parse(settings.routing()).perImage();
    java.util.function.Function<Row, String> key = perImage
        ? r -> r.getString(0) : r -> r.getString(0) + "#" + r.getInt(3);
    return new GroupIterator(tiles, key, rows -> process(processor, rows, executor, device));
  }

  private List<Row> process(TileProcessor processor, List<Row> group, String executor,
      String device) {
    List<Row> failed = new ArrayList<>();
    List<Row> rows = new ArrayList<>(group.size());
    for (Row r : group) {
      if (r.isNullAt(TileRows.TILE_ERROR)) {
        rows.add(r);
      } else {
        failed.add(TileRows.failedResult(r, executor, device));
      }
    }
    List<Row> results = processOk(processor, rows, executor, device);
    results.addAll(failed);
    return results;
  }

  private List<Row> processOk(TileProcessor processor, List<Row> rows, String executor,
      String device) {
    if (rows.isEmpty()) {
      return new ArrayList<>();
    }
    List<TileProcessor.TileInput> inputs = new ArrayList<>(rows.size());
    List<Samples> samples = new ArrayList<>(rows.size());
    List<BandRoles> roles = new ArrayList<>(rows.size());
    for (Row r : rows) {
      Samples s = TileRows.samplesOf(r);
      BandRoles br = TileRows.rolesOf(r);
      samples.add(s);
      roles.add(br);
      inputs.add(new TileProcessor.TileInput(TileRows.tileOf(r), br.modelInput(s)));
    }
    List<Row> results = new ArrayList<>(rows.size());
    processor.process(inputs, o -> {
      int k = results.size();
      Row in = rows.get(k);
      RasterHeader header = TileRows.headerOf(in);
      float[] bands = roles.get(k).output(samples.get(k), o.tile(), o.scale(), o.rgb());
      byte[] sr;
      String encoding;
      if (settings.paperMode()) {
        sr = TileRows.floatsToBytes(bands);
        encoding = TileRows.UNIT_F32;
      } else {
        Box core = o.tile().core();
        Samples quantized = BandRoles.quantize(bands, header.type(), header.bands(),
            core.height() * o.scale(), core.width() * o.scale());
        TiffStreaming streaming = settings.tiffStreaming();
        if (streaming != null && streaming.streams(header)) {
          // compressed here, where tiles are processed in parallel; the reduce stage appends
          sr = TiledTiffWriter.encodeTile(streaming.layout(header), streaming.tileRow(core),
              streaming.tileCol(core), quantized);
          encoding = TileRows.TIFF_TILE;
        } else {
          sr = quantized.toBytes();
          encoding = header.type().code();
        }
      }
      results.add(RowFactory.create(in.getString(0), in.getInt(3), in.getInt(4), o.scale(),
          in.getStruct(5), in.getStruct(6), sr, encoding, o.heavy(),
          probabilities(o), o.heavyPixels(), (long) o.heavy().length,
          o.flopsExecuted(), o.flopsPaper(), o.nanos().backbone() / 1e6,
          o.nanos().classifier() / 1e6, o.nanos().routing() / 1e6, o.nanos().upsampling() / 1e6,
          executor, device, in.getStruct(TileRows.TILE_HEADER), null));
    });
    return results;
  }

  /** p_heavy at the resolution the pixel statistics need (none: empty). */
  private byte[] probabilities(TileProcessor.TileOutput o) {
    switch (settings.pixelStats()) {
      case "full":
        return TileRows.floatsToBytes(o.pHeavy());
      case "lr":
        return TileRows.floatsToBytes(o.pHeavyPerLrPixel());
      default:
        return new byte[0];
    }
  }

  private static int taskCpus() {
    TaskContext tc = TaskContext.get();
    if (tc != null) {
      return Math.max(1, tc.cpus());
    }
    return 1;
  }

  /** The GPU addresses Spark assigned to the task (empty outside Spark or without GPUs). */
  static String[] assignedGpus(TaskContext task) {
    if (task == null) {
      return new String[0];
    }
    org.apache.spark.resource.ResourceInformation gpu = task.resourcesJMap().get("gpu");
    return gpu == null ? new String[0] : gpu.addresses();
  }

  /** The device for this task's engine: the GPU Spark assigned it, else DJL's default. */
  static ai.djl.Device taskDevice(TaskContext task) {
    ai.djl.engine.Engine djl = ai.djl.engine.Engine.getInstance();
    String[] assigned = assignedGpus(task);
    return DevicePlacement.forTask(assigned, assigned.length == 0 ? 0 : djl.getGpuCount(),
        djl.defaultDevice());
  }

  /**
   * The {@code device} column: where the engine computed ("cpu", "gpu0"), plus the node-wide GPU
   * addresses Spark assigned, if any ("gpu0 (spark gpu 3)" under isolation).
   */
  static String deviceName(ai.djl.Device device, String[] assigned) {
    String name = DevicePlacement.label(device);
    return assigned.length == 0 ? name : name + " (spark gpu " + String.join(",", assigned) + ")";
  }

  private static String executorId() {
    SparkEnv env = SparkEnv.get();
    return env != null ? env.executorId() : "local";
  }

  /** Groups consecutive rows with the same key and maps each group lazily. */
  static final class GroupIterator implements Iterator<Row> {
    private final Iterator<Row> source;
    private final java.util.function.Function<Row, String> key;
    private final java.util.function.Function<List<Row>, List<Row>> mapper;
    private Row pending;
    private Iterator<Row> current = Collections.emptyIterator();

    GroupIterator(Iterator<Row> source, java.util.function.Function<Row, String> key,
        java.util.function.Function<List<Row>, List<Row>> mapper) {
      this.source = source;
      this.key = key;
      this.mapper = mapper;
    }

    @Override public boolean hasNext() {
      while (!current.hasNext()) {
        if (pending == null && !source.hasNext()) {
          return false;
        }
        List<Row> group = new ArrayList<>();
        Row first = pending != null ? pending : source.next();
        pending = null;
        group.add(first);
        String groupKey = key.apply(first);
        while (source.hasNext()) {
          Row r = source.next();
          if (key.apply(r).equals(groupKey)) {
            group.add(r);
          } else {
            pending = r;
            break;
          }
        }
        current = mapper.apply(group).iterator();
      }
      return true;
    }

    @Override public Row next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return current.next();
    }
  }
}
