package io.pcsr.job;

import java.util.List;

/**
 * Every {@code spark.pcsr.*} key, defined once: name, default and a one-line doc.
 * {@code conf/pcsr-defaults.conf} lists the same keys (a test keeps them in step).
 *
 * <p>Precedence, highest first: a command-line flag ({@code --k}, {@code --tile-size}, ...), then
 * {@code --conf spark.pcsr.KEY=VALUE}, then the Spark configuration (spark-defaults.conf,
 * spark-submit {@code --conf}), then the default here.
 */
public final class PcsrConf {
  private PcsrConf() {}

  /** A configuration key. */
  public record Key(String name, String defaultValue, String doc) {}

  public static final String MODEL = "spark.pcsr.model";
  public static final String MODEL_DEFAULT = "bundled:fsrcnn-pcsr-x4.safetensors";

  public static final String SCALE = "spark.pcsr.scale";
  public static final String SCALE_DEFAULT = "4";

  public static final String ROUTING = "spark.pcsr.routing";
  public static final String ROUTING_DEFAULT = "k=0";

  public static final String REFINE = "spark.pcsr.refine";
  public static final String REFINE_DEFAULT = "true";

  public static final String TILE_MODE = "spark.pcsr.tile.mode";
  public static final String TILE_MODE_DEFAULT = "exact";

  public static final String TILE_SIZE = "spark.pcsr.tile.size";
  public static final String TILE_SIZE_DEFAULT = "256";

  public static final String STATS_PIXELS = "spark.pcsr.stats.pixels";
  public static final String STATS_PIXELS_DEFAULT = "lr";

  public static final String TORCH_THREADS = "spark.pcsr.torch.threads";
  public static final String TORCH_THREADS_DEFAULT = "0";

  public static final String CHUNK = "spark.pcsr.engine.chunk";
  public static final String CHUNK_DEFAULT = "auto";

  public static final String CHUNK_GPU_MAX = "spark.pcsr.engine.chunk.gpuMax";
  public static final String CHUNK_GPU_MAX_DEFAULT = "262144";

  public static final String PRECISION = "spark.pcsr.precision";
  public static final String PRECISION_DEFAULT = "float32";

  public static final String PARTITIONS = "spark.pcsr.partitions";
  public static final String PARTITIONS_DEFAULT = "0";

  public static final String MAX_PIXELS = "spark.pcsr.input.maxPixels";
  public static final String MAX_PIXELS_DEFAULT = "268435456";

  public static final String OVERWRITE = "spark.pcsr.overwrite";
  public static final String OVERWRITE_DEFAULT = "false";

  public static final String RUN_ID = "spark.pcsr.runId";
  public static final String RUN_ID_DEFAULT = "";

  public static final String OVERLAY = "spark.pcsr.output.overlay";
  public static final String OVERLAY_DEFAULT = "false";

  public static final String MAX_IMAGE_PIXELS_PER_TASK = "spark.pcsr.routing.maxImagePixels";
  public static final String MAX_IMAGE_PIXELS_PER_TASK_DEFAULT = "4194304";

  public static final String RGB_BANDS = "spark.pcsr.raster.rgbBands";
  public static final String RGB_BANDS_DEFAULT = "1,2,3";

  public static final String REGION_DECODE_PIXELS = "spark.pcsr.input.regionDecodePixels";
  public static final String REGION_DECODE_PIXELS_DEFAULT = "16777216";

  public static final String TILED_TIFF_PIXELS = "spark.pcsr.output.tiledTiffPixels";
  public static final String TILED_TIFF_PIXELS_DEFAULT = "67108864";

  public static final String IN_TASK_ASSEMBLY_PIXELS = "spark.pcsr.assembly.inTaskPixels";
  public static final String IN_TASK_ASSEMBLY_PIXELS_DEFAULT = "33177600";

  public static final String FAIL_FIRST_ATTEMPT = "spark.pcsr.test.failFirstAttempt";
  public static final String FAIL_FIRST_ATTEMPT_DEFAULT = "false";

  public static final List<Key> KEYS = List.of(
      new Key(MODEL, MODEL_DEFAULT,
          "Model URI: bundled:NAME, a path, file:, s3a: or hdfs:; optional #sha256=HEX pin"),
      new Key(SCALE, SCALE_DEFAULT, "Integer upscaling factor"),
      new Key(ROUTING, ROUTING_DEFAULT,
          "k=K | adaptive | heavy-share=S | flops=GFLOPS_PER_MEGAPIXEL"),
      new Key(REFINE, REFINE_DEFAULT, "PCSR's pixel refinement after routing"),
      new Key(TILE_MODE, TILE_MODE_DEFAULT,
          "exact: halo >= receptive field, equals whole-image output; paper: 32/28 patches, averaged"),
      new Key(TILE_SIZE, TILE_SIZE_DEFAULT, "LR pixels per tile side (exact mode), halo excluded"),
      new Key(STATS_PIXELS, STATS_PIXELS_DEFAULT,
          "pixels table: full (one row per output pixel), lr (per LR pixel), none"),
      new Key(TORCH_THREADS, TORCH_THREADS_DEFAULT, "Torch threads per task; 0 = spark.task.cpus"),
      new Key(CHUNK, CHUNK_DEFAULT,
          "LR pixels per MLP batch inside the engine; auto = 1024 on CPU, sized from free memory on a GPU"),
      new Key(CHUNK_GPU_MAX, CHUNK_GPU_MAX_DEFAULT, "Upper bound of an auto chunk on a GPU (LR pixels)"),
      new Key(PRECISION, PRECISION_DEFAULT,
          "Model weights and activations: float32, float16 (bfloat16 is refused: DJL 0.36 aborts on it)"),
      new Key(PARTITIONS, PARTITIONS_DEFAULT, "Tile partitions; 0 = 2 x default parallelism"),
      new Key(MAX_PIXELS, MAX_PIXELS_DEFAULT,
          "Largest image decoded whole (pixels); larger ones become error rows, never an OOM"),
      new Key(OVERWRITE, OVERWRITE_DEFAULT, "Redo images a previous run finished"),
      new Key(RUN_ID, RUN_ID_DEFAULT, "Run id for the _stats partitions; empty = a timestamp"),
      new Key(OVERLAY, OVERLAY_DEFAULT,
          "Also write overlays/<image>.png: the output tinted green (light) / red (heavy)"),
      new Key(MAX_IMAGE_PIXELS_PER_TASK, MAX_IMAGE_PIXELS_PER_TASK_DEFAULT,
          "Per-image routing holds an image's features in one task: larger LR images become error rows"),
      new Key(RGB_BANDS, RGB_BANDS_DEFAULT,
          "Multi-band rasters: bands (from 1) fed to the model as R,G,B; the rest are bicubic"),
      new Key(REGION_DECODE_PIXELS, REGION_DECODE_PIXELS_DEFAULT,
          "TIFF inputs with more pixels are decoded tile by tile on executors, never whole"),
      new Key(TILED_TIFF_PIXELS, TILED_TIFF_PIXELS_DEFAULT,
          "Outputs with more pixels are written as tiled BigTIFF (.tif), streamed tile by tile"),
      new Key(IN_TASK_ASSEMBLY_PIXELS, IN_TASK_ASSEMBLY_PIXELS_DEFAULT,
          "Outputs of at most this many pixels are assembled in the model's task, unshuffled; 0 = never"),
      new Key(FAIL_FIRST_ATTEMPT, FAIL_FIRST_ATTEMPT_DEFAULT,
          "Fault injection for tests: every UDF task fails on its first attempt"));
}
