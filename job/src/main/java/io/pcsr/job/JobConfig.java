package io.pcsr.job;

import io.pcsr.udf.infer.ChunkChoice;
import io.pcsr.udf.model.Precision;
import io.pcsr.udf.routing.RoutingPolicy;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The resolved settings of one run, on the driver only (executors get {@code UdfSettings}).
 * Values come from {@link PcsrConf} keys, command-line flags first.
 */
public record JobConfig(String input, String output, String model, int scale,
    RoutingPolicy routing, boolean refine, boolean paperMode, int tileSize, String pixelStats,
    int torchThreads, int chunk, int gpuMaxChunk, Precision precision, int partitions,
    long maxPixels, boolean overwrite, String runId, long maxImagePixelsPerTask,
    boolean failFirstAttempt, boolean overlay, int[] rgbBands, long regionDecodePixels,
    long tiledTiffPixels, long inTaskAssemblyPixels) {

  /**
   * @param overrides keys set on the command line (flags and --conf), highest precedence
   * @param sparkConf the Spark configuration's value for a key, or null
   */
  public static JobConfig resolve(String input, String output, Map<String, String> overrides,
      Function<String, String> sparkConf) {
    Function<String, String> get = key -> {
      if (overrides.containsKey(key)) {
        return overrides.get(key);
      }
      String v = sparkConf.apply(key);
      if (v != null) {
        return v;
      }
      return PcsrConf.KEYS.stream().filter(k -> k.name().equals(key)).findFirst()
          .orElseThrow(() -> new IllegalArgumentException("unknown key " + key)).defaultValue();
    };
    String mode = get.apply(PcsrConf.TILE_MODE).toLowerCase(Locale.ROOT);
    if (!mode.equals("exact") && !mode.equals("paper")) {
      throw new IllegalArgumentException(PcsrConf.TILE_MODE + " must be exact or paper, got " + mode);
    }
    String stats = get.apply(PcsrConf.STATS_PIXELS).toLowerCase(Locale.ROOT);
    if (!stats.equals("full") && !stats.equals("lr") && !stats.equals("none")) {
      throw new IllegalArgumentException(PcsrConf.STATS_PIXELS + " must be full, lr or none, got " + stats);
    }
    String runId = get.apply(PcsrConf.RUN_ID);
    if (runId.isBlank()) {
      runId = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    }
    if (!runId.matches("[A-Za-z0-9._-]+")) {
      throw new IllegalArgumentException("run id may hold letters, digits, '.', '_' and '-' only: " + runId);
    }
    return new JobConfig(input, output, get.apply(PcsrConf.MODEL),
        positive(get, PcsrConf.SCALE), RoutingPolicy.parse(get.apply(PcsrConf.ROUTING)),
        Boolean.parseBoolean(get.apply(PcsrConf.REFINE)), mode.equals("paper"),
        positive(get, PcsrConf.TILE_SIZE), stats,
        Integer.parseInt(get.apply(PcsrConf.TORCH_THREADS)),
        chunk(get.apply(PcsrConf.CHUNK)), positive(get, PcsrConf.CHUNK_GPU_MAX),
        runnable(Precision.parse(get.apply(PcsrConf.PRECISION))), Integer.parseInt(get.apply(PcsrConf.PARTITIONS)),
        Long.parseLong(get.apply(PcsrConf.MAX_PIXELS)),
        Boolean.parseBoolean(get.apply(PcsrConf.OVERWRITE)), runId,
        Long.parseLong(get.apply(PcsrConf.MAX_IMAGE_PIXELS_PER_TASK)),
        Boolean.parseBoolean(get.apply(PcsrConf.FAIL_FIRST_ATTEMPT)),
        Boolean.parseBoolean(get.apply(PcsrConf.OVERLAY)),
        rgbBands(get.apply(PcsrConf.RGB_BANDS)),
        positiveLong(get, PcsrConf.REGION_DECODE_PIXELS),
        positiveLong(get, PcsrConf.TILED_TIFF_PIXELS),
        nonNegativeLong(get, PcsrConf.IN_TASK_ASSEMBLY_PIXELS));
  }

  /** "3,2,1" (counted from 1, as GIS tools do) to 0-based band indexes. */
  static int[] rgbBands(String value) {
    String[] parts = value.split(",");
    int[] bands = new int[parts.length];
    try {
      for (int i = 0; i < parts.length; i++) {
        bands[i] = Integer.parseInt(parts[i].trim()) - 1;
      }
    } catch (NumberFormatException e) {
      bands = new int[0];
    }
    if (bands.length != 3 || java.util.Arrays.stream(bands).anyMatch(b -> b < 0)) {
      throw new IllegalArgumentException(PcsrConf.RGB_BANDS + " must name three bands counted"
          + " from 1, e.g. 3,2,1; got '" + value + "'");
    }
    return bands;
  }

  private static long positiveLong(Function<String, String> get, String key) {
    return longAtLeast(get, key, 1, "a positive integer");
  }

  private static long nonNegativeLong(Function<String, String> get, String key) {
    return longAtLeast(get, key, 0, "0 or a positive integer");
  }

  private static long longAtLeast(Function<String, String> get, String key, long min,
      String expected) {
    String v = get.apply(key);
    try {
      long l = Long.parseLong(v.trim());
      if (l < min) {
        throw new NumberFormatException();
      }
      return l;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be " + expected + ", got '" + v + "'");
    }
  }

  /** "auto" (any case) is {@link ChunkChoice#AUTO}; otherwise a positive number of LR pixels. */
  static int chunk(String v) {
    if (v.trim().equalsIgnoreCase("auto")) {
      return ChunkChoice.AUTO;
    }
    try {
      int i = Integer.parseInt(v.trim());
      if (i > 0) {
        return i;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(PcsrConf.CHUNK + " must be auto or a positive integer, got '"
        + v + "'");
  }

  /** Refuses on the driver a precision executors could not run, before any task starts. */
  private static Precision runnable(Precision p) {
    p.requireRunnable();
    return p;
  }

  private static int positive(Function<String, String> get, String key) {
    long l = positiveLong(get, key);
    if (l > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(key + " must be a positive integer, got '"
          + get.apply(key) + "'");
    }
    return (int) l;
  }
}
