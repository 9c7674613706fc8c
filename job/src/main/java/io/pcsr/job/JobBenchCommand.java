package io.pcsr.job;

import ai.djl.pytorch.jni.JniUtils;
import io.pcsr.udf.cost.PcsrCost;
import io.pcsr.udf.image.FloatImage;
import io.pcsr.udf.image.ImageCodec;
import io.pcsr.udf.image.Samples;
import io.pcsr.udf.infer.ModelCache;
import io.pcsr.udf.infer.PcsrEngine;
import io.pcsr.udf.infer.TileProcessor;
import io.pcsr.udf.routing.RoutingPolicy;
import io.pcsr.udf.spark.HadoopConf;
import io.pcsr.udf.spark.ModelFiles;
import io.pcsr.udf.tiling.Box;
import io.pcsr.udf.tiling.Tile;
import io.pcsr.udf.tiling.TileGrid;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The cost of Spark around the engine: the same images, tiled the same way, through the bare
 * engine on as many threads as Spark has task slots; through the bare engine with the job's
 * output work in the same threads ({@link BareOutputs}); and as the full job on local[N]
 * (decode, tile, shuffle, UDF, reassembly, encode, write, Parquet). One process, one report.
 */
@Command(name = "bench-job", mixinStandardHelpOptions = true,
    description = "Bare engine, bare engine with the job's outputs, and the full Spark job on "
        + "the same tiles, plus peak memory.")
public final class JobBenchCommand implements Callable<Integer> {
  @Option(names = "--input", required = true, description = "Folder of images.")
  Path input;

  @Option(names = "--model", required = true, description = "Model URI.")
  String model;

  @Option(names = "--routing", defaultValue = "k=0") String routing;

  @Option(names = "--tile-size", defaultValue = "256") int tileSize;

  @Option(names = "--slots", defaultValue = "2", description = "Task slots (local[N]) and engine threads.")
  int slots;

  @Option(names = "--skip-bare", description = "Only the job (e.g. to measure its memory alone).")
  boolean skipBare;

  @Option(names = "--output", description = "Job output (default: a temp folder).")
  Path output;

  @Option(names = "--pixel-stats", defaultValue = "lr",
      description = "The job's pixels table: lr (default), full or none; none shows what the "
          + "table costs.")
  String pixelStats;

  @Option(names = "--rounds", defaultValue = "1",
      description = "Alternate bare engine, bare engine with the job's outputs, and job this "
          + "many times; the fastest of each counts (on a shared machine, alternating keeps all "
          + "three under the same load).")
  int rounds;

  @Option(names = "--in-task-pixels", defaultValue = PcsrConf.IN_TASK_ASSEMBLY_PIXELS_DEFAULT,
      description = "The job's " + PcsrConf.IN_TASK_ASSEMBLY_PIXELS + " (default: the job's "
          + "default); 0 assembles every image after a shuffle.")
  long inTaskPixels;

  @Option(names = "--also-after-shuffle",
      description = "In each round, also time the job with every image assembled after a "
          + "shuffle by image (" + PcsrConf.IN_TASK_ASSEMBLY_PIXELS + "=0), to compare the "
          + "two in one process.")
  boolean alsoAfterShuffle;

  @Override public Integer call() throws Exception {
    List<Path> images = new ArrayList<>();
    try (var s = Files.list(input)) {
      s.filter(p -> InputLister.isImage(p.getFileName().toString())).sorted().forEach(images::add);
    }
    Path modelFile = ModelFiles.resolve(model, new HadoopConf(new org.apache.hadoop.conf.Configuration()));
    PcsrEngine engine = ModelCache.engine(modelFile, 4);
    int halo = TileGrid.exactHalo(engine.model().backbone().receptiveRadius());
    RoutingPolicy policy = RoutingPolicy.parse(routing);
    double bare = Double.POSITIVE_INFINITY;
    double job = Double.POSITIVE_INFINITY;
    double bareWithOutputs = Double.POSITIVE_INFINITY;
    String outputWork = "";
    double outputThreadSeconds = 0;
    PcsrCost cost = PcsrCost.of(engine.model(), 4);
    long mp = 0;
    PcsrJob.Outcome o = null;
    List<String> stages = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<long[]> jobs = new java.util.concurrent.CopyOnWriteArrayList<>();
    Map<Integer, Long> jobStarts = new java.util.concurrent.ConcurrentHashMap<>();
    // what each job is (PcsrJob describes its jobs), by job and by stage
    Map<Integer, String> jobNames = new java.util.concurrent.ConcurrentHashMap<>();
    Map<Integer, String> stageJobs = new java.util.concurrent.ConcurrentHashMap<>();
    long[] jobStartMs = new long[1];
    double afterShuffle = Double.POSITIVE_INFINITY;
    double lastJob = 0; // the timeline below is the last job's
    List<String> roundTimes = new ArrayList<>(); // each job's time, to show the spread
    // each round's times, for the overhead round by round (the ways run back to back)
    List<Double> bareRounds = new ArrayList<>();
    List<Double> withOutputRounds = new ArrayList<>();
    List<Double> jobRounds = new ArrayList<>();
    for (int round = 0; round < Math.max(1, rounds); round++) {
    if (!skipBare) {
      // warm-up on one tile, as the job's first task also pays for it
      FloatImage first = ImageCodec.read(images.get(0));
      runImage(engine, policy, first.crop(0, 0, Math.min(64, first.height()), Math.min(64, first.width())), halo);
      BareRun plain = bareRun(engine, policy, images, halo, null);
      roundTimes.add(String.format("round %d: bare engine %.2f s", round + 1, plain.seconds()));
      bare = Math.min(bare, plain.seconds());
      bareRounds.add(plain.seconds());
      mp = plain.outputPixels();
      Path folder = Files.createTempDirectory("pcsr-bench-bare");
      try (BareOutputs outputs = new BareOutputs(folder,
          PixelStats.RowCosts.of(cost, 4, "full".equals(pixelStats)), pixelStats)) {
        double seconds = bareRun(engine, policy, images, halo, outputs).seconds();
        withOutputRounds.add(seconds);
        roundTimes.add(String.format("round %d: bare engine + outputs %.2f s", round + 1,
            seconds));
        if (seconds < bareWithOutputs) {
          bareWithOutputs = seconds;
          outputWork = outputs.threadSeconds();
          outputThreadSeconds = outputs.totalThreadSeconds();
        }
      } finally {
        deleteTree(folder);
      }
    }

    if (alsoAfterShuffle) {
      double seconds = timeJob(0);
      roundTimes.add(String.format("round %d: job, every image assembled after a shuffle %.2f s",
          round + 1, seconds));
      afterShuffle = Math.min(afterShuffle, seconds);
    }

    Path out = output != null ? output : Files.createTempDirectory("pcsr-bench-job");
    SparkSession spark = Sessions.create("pcsr-bench", "local[" + slots + "]", Map.of());
    stages.clear();
    jobs.clear();
    jobStarts.clear();
    jobNames.clear();
    stageJobs.clear();
    spark.sparkContext().addSparkListener(new org.apache.spark.scheduler.SparkListener() {
      @Override public void onJobStart(org.apache.spark.scheduler.SparkListenerJobStart e) {
        jobStarts.put(e.jobId(), e.time());
        String name = e.properties() == null ? null
            : e.properties().getProperty(JobDescriptions.PROPERTY);
        String what = name == null ? "" : name.replaceFirst("^pcsr run [^:]*: ", "");
        jobNames.put(e.jobId(), what);
        for (Object id : scala.jdk.javaapi.CollectionConverters.asJava(e.stageIds())) {
          stageJobs.put((Integer) id, what);
        }
      }

      @Override public void onJobEnd(org.apache.spark.scheduler.SparkListenerJobEnd e) {
        Long start = jobStarts.get(e.jobId());
        if (start != null) {
          jobs.add(new long[] {e.jobId(), start, e.time()});
        }
      }

      @Override public void onStageCompleted(org.apache.spark.scheduler.SparkListenerStageCompleted e) {
        var info = e.stageInfo();
        long wall = (long) info.completionTime().get() - (long) info.submissionTime().get();
        stages.add(String.format("  stage %3d %-26.26s %-34.34s %4d tasks %7.2f s wall %7.2f s executor run %8.1f MB shuffled",
            info.stageId(), stageJobs.getOrDefault(info.stageId(), ""), info.name(),
            info.numTasks(), wall / 1e3, info.taskMetrics().executorRunTime() / 1e3,
            info.taskMetrics().shuffleWriteMetrics().bytesWritten() / 1e6));
      }
    });
    try {
      Map<String, String> conf = jobConf(inTaskPixels);
      JobConfig cfg = JobConfig.resolve(input.toString(), out.toString(), conf, k -> null);
      long t0 = System.nanoTime();
      jobStartMs[0] = System.currentTimeMillis();
      o = new PcsrJob(spark, cfg).run();
      double seconds = (System.nanoTime() - t0) / 1e9;
      lastJob = seconds;
      roundTimes.add(String.format("round %d: job %.2f s", round + 1, seconds));
      jobRounds.add(seconds);
      job = Math.min(job, seconds);
    } finally {
      Sessions.stopIfOwned(spark);
    }
    }
    long pixels = o.images().stream().mapToLong(r -> r.<Long>getAs("pixels")).sum();
    System.out.printf("%nbench-job: %d images, %.1f output MP, routing %s, tile %d (+halo %d), %d slots%n",
        images.size(), pixels / 1e6, routing, tileSize, halo, slots);
    if (!skipBare) {
      System.out.printf("bare engine (same tiles, %d threads): %8.2f s  %6.2f MP/s%n", slots, bare,
          mp / 1e6 / bare);
    }
    System.out.printf("full Spark job (local[%d]):          %8.2f s  %6.2f MP/s  (%s=%d)%n", slots,
        job, pixels / 1e6 / job, PcsrConf.IN_TASK_ASSEMBLY_PIXELS, inTaskPixels);
    if (alsoAfterShuffle) {
      System.out.printf("full Spark job, every image assembled after a shuffle: %8.2f s  "
          + "%6.2f MP/s; the job above takes %.1f %% less%n", afterShuffle,
          pixels / 1e6 / afterShuffle, 100 * (afterShuffle - job) / afterShuffle);
    }
    if (!skipBare) {
      System.out.printf("Spark overhead: %.1f %% of the bare engine time%n", 100 * (job - bare) / bare);
      System.out.printf("bare engine + the job's outputs (PNG, pixels rows) in plain threads: "
          + "%.2f s (%.1f %% over the bare engine); the job takes %.1f %% more than that%n",
          bareWithOutputs, 100 * (bareWithOutputs - bare) / bare,
          100 * (job - bareWithOutputs) / bareWithOutputs);
      // thread time, not wall time: on a noisy machine it shows the output work's size better
      // than the difference of two wall times
      System.out.printf("  output work in that run: %.2f thread-s = %.1f %% of the bare engine's "
          + "%.2f thread-s (%s)%n", outputThreadSeconds,
          100 * outputThreadSeconds / (slots * bare), slots * bare, outputWork);
    }
    System.out.printf("peak heap %.0f MiB, peak process RSS (heap + native) %.0f MiB%n",
        peakHeap() / 1048576.0, peakRss() / 1048576.0);
    System.out.println(o.reconciliation());
    System.out.println("Times by round (the fastest of each counts above):");
    roundTimes.forEach(r -> System.out.println("  " + r));
    if (!skipBare && jobRounds.size() > 1) {
      System.out.println(overheadByRound(bareRounds, withOutputRounds, jobRounds));
    }
    System.out.println("Spark stages (the last run):");
    stages.forEach(System.out::println);
    // the gaps between jobs are driver time: planning, listing, commits, collects
    System.out.println(
        "Spark jobs of the last run (seconds from its start; gaps are driver work):");
    long busy = 0;
    long covered = jobStartMs[0];
    for (long[] j : jobs.stream().sorted(java.util.Comparator.comparingLong(j -> j[1])).toList()) {
      System.out.printf("  job %3d  %7.2f .. %7.2f s  %s%n", j[0], (j[1] - jobStartMs[0]) / 1e3,
          (j[2] - jobStartMs[0]) / 1e3, jobNames.getOrDefault((int) j[0], ""));
      busy += Math.max(0, j[2] - Math.max(j[1], covered));
      covered = Math.max(covered, j[2]);
    }
    System.out.printf("  time with a Spark job running: %.2f s of the last run's %.2f s%n",
        busy / 1e3, lastJob);
    return 0;
  }

  private Map<String, String> jobConf(long inTaskAssemblyPixels) {
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put(PcsrConf.MODEL, model);
    conf.put(PcsrConf.ROUTING, routing);
    conf.put(PcsrConf.TILE_SIZE, Integer.toString(tileSize));
    conf.put(PcsrConf.TORCH_THREADS, "1");
    conf.put(PcsrConf.OVERWRITE, "true");
    conf.put(PcsrConf.STATS_PIXELS, pixelStats);
    conf.put(PcsrConf.IN_TASK_ASSEMBLY_PIXELS, Long.toString(inTaskAssemblyPixels));
    return conf;
  }

  /**
   * The overhead round by round: each round's job over the same round's bare engine (and over
   * the bare engine with the outputs), their median and range. The three ways run back to back
   * within a round, so a slow spell that spans a round moves them alike, where the fastest
   * rounds of two ways can come from different spells.
   */
  static String overheadByRound(List<Double> bare, List<Double> bareWithOutputs,
      List<Double> job) {
    double[] overBare = new double[job.size()];
    double[] overOutputs = new double[job.size()];
    for (int i = 0; i < job.size(); i++) {
      overBare[i] = 100 * (job.get(i) / bare.get(i) - 1);
      overOutputs[i] = 100 * (job.get(i) / bareWithOutputs.get(i) - 1);
    }
    return String.format(java.util.Locale.ROOT, "Spark overhead round by round (the job over the "
        + "same round's bare engine): %s; over the bare engine with the outputs: %s",
        medianAndRange(overBare), medianAndRange(overOutputs));
  }

  /** "median M % (min to max)" of percentages. */
  private static String medianAndRange(double[] percent) {
    return String.format(java.util.Locale.ROOT, "median %.1f %% (%.1f to %.1f)",
        BenchCommand.median(percent), java.util.Arrays.stream(percent).min().getAsDouble(),
        java.util.Arrays.stream(percent).max().getAsDouble());
  }

  /** The job's wall time in a session of its own, with the given in-task assembly limit. */
  private double timeJob(long inTaskAssemblyPixels) throws Exception {
    Path out = Files.createTempDirectory("pcsr-bench-job");
    SparkSession spark = Sessions.create("pcsr-bench", "local[" + slots + "]", Map.of());
    try {
      JobConfig cfg = JobConfig.resolve(input.toString(), out.toString(),
          jobConf(inTaskAssemblyPixels), k -> null);
      long t0 = System.nanoTime();
      new PcsrJob(spark, cfg).run();
      return (System.nanoTime() - t0) / 1e9;
    } finally {
      Sessions.stopIfOwned(spark);
      deleteTree(out);
    }
  }

  /** One bare run: its wall time and the output pixels it made. */
  private record BareRun(double seconds, long outputPixels) {}

  /**
   * The images' tiles through the engine on {@code slots} plain threads, with the job's output
   * work when {@code outputs} is given.
   */
  private BareRun bareRun(PcsrEngine engine, RoutingPolicy policy, List<Path> images, int halo,
      BareOutputs outputs) throws Exception {
    long t0 = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(slots);
    List<CompletableFuture<Void>> done = new ArrayList<>();
    long outputPixels = 0;
    try {
      for (Path p : images) {
        FloatImage lr = ImageCodec.read(p);
        outputPixels += (long) lr.height() * lr.width() * 16;
        Samples hr = outputs == null ? null : BareOutputs.image(lr.height() * 4, lr.width() * 4);
        String id = p.getFileName().toString();
        // per-pixel routing: tiles are independent, so one image's tiles are shared out over
        // the threads as the job's partitions share them out over its slots; per-image routing
        // keeps an image's tiles together, as the job does
        List<List<Tile>> shares = shares(TileGrid.exact(lr.height(), lr.width(), tileSize, halo),
            policy.perImage() ? 1 : slots);
        List<CompletableFuture<Void>> parts = new ArrayList<>();
        for (List<Tile> share : shares) {
          parts.add(CompletableFuture.runAsync(() -> {
            JniUtils.setNumThreads(1);
            runTiles(engine, policy, lr, share,
                outputs == null ? t -> { } : t -> outputs.tile(id, t, hr));
          }, pool));
        }
        CompletableFuture<Void> image = CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new));
        done.add(outputs == null ? image : image.thenRunAsync(() -> outputs.write(id, hr), pool));
      }
      CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get();
      if (outputs != null) {
        outputs.close(); // the last row groups are written here: part of the work
      }
    } finally {
      pool.shutdown();
    }
    return new BareRun((System.nanoTime() - t0) / 1e9, outputPixels);
  }

  private static void deleteTree(Path folder) throws java.io.IOException {
    try (var all = Files.walk(folder)) {
      for (Path f : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(f);
      }
    }
  }

  private void runImage(PcsrEngine engine, RoutingPolicy policy, FloatImage lr, int halo) {
    runTiles(engine, policy, lr, TileGrid.exact(lr.height(), lr.width(), tileSize, halo), t -> { });
  }

  /** Round-robin shares of the tiles, one per thread. */
  private static List<List<Tile>> shares(List<Tile> tiles, int n) {
    List<List<Tile>> shares = new ArrayList<>();
    for (int i = 0; i < Math.min(n, tiles.size()); i++) {
      shares.add(new ArrayList<>());
    }
    for (int i = 0; i < tiles.size(); i++) {
      shares.get(i % shares.size()).add(tiles.get(i));
    }
    return shares;
  }

  private void runTiles(PcsrEngine engine, RoutingPolicy policy, FloatImage lr, List<Tile> tiles,
      java.util.function.Consumer<TileProcessor.TileOutput> sink) {
    List<TileProcessor.TileInput> in = new ArrayList<>();
    for (Tile t : tiles) {
      Box b = t.input();
      in.add(new TileProcessor.TileInput(t, lr.crop(b.y(), b.x(), b.height(), b.width())));
    }
    // outputs are handed over as they come: a 16000² image's would not fit the heap together
    new TileProcessor(engine, policy, true).process(in, sink);
  }

  static long peakHeap() {
    long sum = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
        sum += pool.getPeakUsage().getUsed();
      }
    }
    return sum;
  }

  /** VmHWM: the process's peak resident memory, heap and native (libtorch) together. */
  static long peakRss() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (java.io.IOException e) {
      // not Linux
    }
    return -1;
  }
}
