package io.pcsr.job;

import io.pcsr.udf.image.FloatImage;
import io.pcsr.udf.image.ImageCodec;
import io.pcsr.udf.image.ImageMetrics;
import io.pcsr.udf.image.MatlabBicubic;
import io.pcsr.udf.infer.ModelCache;
import io.pcsr.udf.infer.OriginalUpscaler;
import io.pcsr.udf.infer.SrResult;
import io.pcsr.udf.infer.Upscaler;
import io.pcsr.udf.model.Precision;
import io.pcsr.udf.routing.RoutingPolicy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Wall time against FLOPs on one image, all settings in one process so that their ratios are
 * comparable on a noisy machine. Not a test: it asserts nothing, it reports.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Time PCSR settings and the original model on one HR image (LR = bicubic x1/scale).")
public final class BenchCommand implements Callable<Integer> {
  @Option(names = "--hr", required = true, paramLabel = "HR.png", description = "Ground-truth image.")
  Path hrPath;

  @Mixin ModelOption model;

  @Option(names = "--original", paramLabel = "PATH",
      description = "Checkpoint of the original network (e.g. carn-x4.pth) to time as a baseline.")
  Path original;

  @Option(names = "--repeat", defaultValue = "2",
      description = "Timed runs per setting, after one untimed run of each; the fastest "
          + "counts (default 2).")
  int repeat;

  @Option(names = "--scale", defaultValue = "4") int scale;

  @Option(names = "--hr-size", paramLabel = "WxH",
      description = "Resize the HR image to this size first (MATLAB bicubic), e.g. 3840x2160.")
  String hrSize;

  @Option(names = "--threads", paramLabel = "N",
      description = "Torch intra-op threads (default: libtorch's, one per core). On a machine "
          + "shared with other work use fewer: OpenMP threads that wait for a busy core stall "
          + "every small op.")
  Integer threads;

  @Option(names = "--chunk", paramLabel = "LR_PIXELS|auto", defaultValue = "auto",
      description = "LR pixels per MLP batch; auto (default): 1024 on a CPU, sized from free "
          + "memory on a GPU.")
  String chunk;

  @Option(names = "--gpu-max-chunk", paramLabel = "LR_PIXELS",
      defaultValue = PcsrConf.CHUNK_GPU_MAX_DEFAULT,
      description = "Upper bound of an auto chunk on a GPU (default ${DEFAULT-VALUE}).")
  int gpuMaxChunk;

  @Mixin PrecisionOption precisionOption;

  @Option(names = {"--compare-libtorch", "--compare-mlps"},
      description = "Also time all-heavy, k=0 and ADM with everything in libtorch (no host "
          + "SIMD kernels: light upsampler, classifier, backbone convolutions), in the same "
          + "rounds (when the host kernels run here).")
  boolean compareLibtorch;

  @Option(names = "--backbone-kernels",
      description = "Also time each kind of CARN-M host convolution alone on one thread at the "
          + "LR image's size, best of the rounds (GFLOP/s of useful multiply-adds).")
  boolean backboneKernels;

  /**
   * @param fastestStages each stage's best over the rounds: the backbone does the same work in
   *     every setting, so its round-to-round noise would otherwise move the ratios
   */
  record Row(String name, double seconds, double paperFlops, double executedFlops, double heavy,
      double psnr, PrecisionDelta delta, SrResult.StageNanos stages,
      SrResult.StageNanos fastestStages, long[] roundNanos) {}

  /** A setting's run, at the benchmarked precision or at float32 for the comparison. */
  interface Setting {
    SrResult run(Upscaler up);
  }

  /** libtorch's reference rates, the best over the rounds. */
  private MachineLimits limits;

  @Override public Integer call() throws Exception {
    if (threads != null) {
      ai.djl.engine.Engine.getEngine("PyTorch"); // loads libtorch before its thread setting
      ai.djl.pytorch.jni.JniUtils.setNumThreads(threads);
    }
    FloatImage hr = ImageCodec.read(hrPath);
    if (hrSize != null) {
      String[] wh = hrSize.toLowerCase(java.util.Locale.ROOT).split("x");
      hr = MatlabBicubic.resize(hr, Integer.parseInt(wh[1]), Integer.parseInt(wh[0]));
    }
    hr = MatlabBicubic.cropToMultiple(hr, scale);
    FloatImage lr = MatlabBicubic.downscale(hr, scale);
    Precision precision = precisionOption.resolve();
    int chunkSetting = JobConfig.chunk(chunk);
    Upscaler up = new Upscaler(ModelCache.engine(model.resolve(), scale, chunkSetting, gpuMaxChunk,
        precision), Upscaler.HOST_WHOLE_IMAGE_HEAP_SHARE);
    // float32 twin for the PSNR change of a narrower precision: each setting runs once on it
    Upscaler f32 = precision == Precision.FLOAT32 ? null : new Upscaler(ModelCache.engine(
        model.resolve(), scale, chunkSetting, gpuMaxChunk, Precision.FLOAT32));
    System.out.printf("bench: %s, LR %dx%d -> HR %dx%d, %d torch threads, best of %d, device %s, "
        + "precision %s, chunk %d LR pixels%n", model.resolve().getFileName(), lr.width(),
        lr.height(), hr.width(), hr.height(), ai.djl.pytorch.jni.JniUtils.getNumThreads(), repeat,
        ai.djl.engine.Engine.getInstance().defaultDevice(), precision.label(),
        up.engine().chunkLrPixels());
    System.out.println(up.engine().hostKernels());
    java.util.Map<String, Setting> settings = new java.util.LinkedHashMap<>();
    settings.put("all-heavy (k=-25)", u -> u.upscale(lr, new RoutingPolicy.KRule(-25), false));
    settings.put("k=0 refine", u -> u.upscale(lr, new RoutingPolicy.KRule(0), true));
    settings.put("adaptive (ADM)", u -> u.upscale(lr, new RoutingPolicy.Adaptive(), false));
    settings.put("heavy-share 25%", u -> u.upscale(lr, new RoutingPolicy.HeavyShare(0.25), false));
    if (compareLibtorch && up.engine().lightOnHost()) {
      Upscaler torch = new Upscaler(new io.pcsr.udf.infer.PcsrEngine(up.engine().model(), scale,
          up.engine().chunkLrPixels(), false));
      settings.put("all-heavy, libtorch only", u -> torch.upscale(lr,
          new RoutingPolicy.KRule(-25), false));
      settings.put("k=0 refine, libtorch only", u -> torch.upscale(lr,
          new RoutingPolicy.KRule(0), true));
      settings.put("ADM, libtorch only", u -> torch.upscale(lr, new RoutingPolicy.Adaptive(),
          false));
    }
    if (original != null) {
      OriginalUpscaler base = new OriginalUpscaler(ModelCache.original(original));
      settings.put("original " + original.getFileName() + " (f32)", u -> base.upscale(lr));
    }
    List<Row> rows = timeInRounds(settings, hr, up, f32);
    Row ref = rows.get(0);
    System.out.printf("%n%-26s %8s %9s %11s %10s %11s %10s %8s%n", "setting", "seconds",
        "time/all", "stages/all", "FLOPs/all", "exec/all", "heavy", "PSNR");
    double refStages = ref.fastestStages.total();
    for (Row r : rows) {
      long stages = r.fastestStages.total();
      System.out.printf("%-26s %8.3f %9.3f %11s %10.3f %11.3f %9.1f%% %8.3f%n", r.name, r.seconds,
          r.seconds / ref.seconds, stages == 0 ? "-" : String.format("%.3f", stages / refStages),
          r.paperFlops / ref.paperFlops, r.executedFlops / ref.executedFlops, 100 * r.heavy,
          r.psnr);
    }
    System.out.println("time/all: best wall time over all-heavy's; stages/all: the sum of each "
        + "stage's best time over the rounds, over all-heavy's; FLOPs/all: official-convention "
        + "FLOPs over all-heavy; exec/all: executed multiply-adds over all-heavy.");
    String noise = backboneSpread(rows.stream().mapToLong(r -> r.fastestStages.backbone())
        .filter(n -> n > 0).toArray());
    if (noise != null) {
      System.out.println(noise);
    }
    printRoundRatios(rows);
    if (f32 != null) {
      System.out.printf("%n%s vs float32 (same setting, same process):%n", precision.label());
      System.out.printf("  %-26s %12s %14s %14s%n", "setting", "PSNR change", "classes flipped",
          "max |diff|");
      for (Row r : rows) {
        if (r.delta != null) {
          System.out.printf(java.util.Locale.ROOT, "  %-26s %+9.4f dB %13.4f%% %14.3g%n", r.name,
              r.delta.psnrChange(), 100 * r.delta.classFlipShare(), r.delta.maxAbsDiff());
        }
      }
    }
    double mp = (double) hr.width() * hr.height() / 1e6;
    System.out.printf("%nthroughput (output megapixels/s):%n");
    for (Row r : rows) {
      System.out.printf("  %-26s %7.2f MP/s   model %6.1f GFLOP/s executed%n", r.name, mp / r.seconds,
          r.executedFlops / r.seconds / 1e9);
    }
    System.out.printf("machine limit, same threads, best of the rounds: libtorch GEMM %.1f "
        + "GFLOP/s, 3x3 conv %d->%d (channels-last, %dx%d) %.1f GFLOP/s%n", limits.gemm(),
        MachineLimits.CONV_CHANNELS, MachineLimits.CONV_CHANNELS, MachineLimits.CONV_WIDTH,
        MachineLimits.CONV_HEIGHT, limits.conv());
    printHeavyPath(up, lr, ref, limits);
    if (backboneKernels) {
      printBackboneKernels(lr);
    }
    return 0;
  }

  /**
   * Each setting's wall time over all-heavy's in the same round (the settings run back to back
   * within a round), then the median and range over the rounds, next to the best-round ratio
   * and both over the FLOP share. A slow spell of the shared machine that spans a round moves
   * both times of a round alike; the best rounds of two settings can come from different
   * spells.
   */
  private static void printRoundRatios(List<Row> rows) {
    Row ref = rows.get(0);
    if (ref.roundNanos.length < 2) {
      return;
    }
    System.out.printf("%nper round (each setting over all-heavy in the same round), %d rounds:%n",
        ref.roundNanos.length);
    System.out.printf("  %-26s %16s %18s %12s %14s%n", "setting", "median time/all",
        "range", "best/FLOPs", "median/FLOPs");
    for (Row r : rows.subList(1, rows.size())) {
      double[] ratios = roundRatios(r.roundNanos, ref.roundNanos);
      double share = r.paperFlops / ref.paperFlops;
      double median = median(ratios);
      System.out.printf("  %-26s %16.3f %10.3f-%.3f %12.3f %14.3f%n", r.name, median,
          Arrays.stream(ratios).min().orElse(Double.NaN),
          Arrays.stream(ratios).max().orElse(Double.NaN),
          r.seconds / ref.seconds / share, median / share);
    }
    System.out.println("  best/FLOPs: the table's time/all over FLOPs/all (issue 8's target: "
        + "at most 1.2 for k=0 and ADM); median/FLOPs: the median per-round ratio over it.");
  }

  /** Round i's time of a setting over round i's reference time. */
  static double[] roundRatios(long[] setting, long[] reference) {
    if (setting.length != reference.length) {
      throw new IllegalArgumentException("rounds differ: " + setting.length + " against "
          + reference.length);
    }
    double[] ratios = new double[setting.length];
    for (int i = 0; i < ratios.length; i++) {
      ratios[i] = (double) setting[i] / reference[i];
    }
    return ratios;
  }

  /** The middle value, or the mean of the middle two; NaN for none. */
  static double median(double[] values) {
    if (values.length == 0) {
      return Double.NaN;
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }

  /** {@code --backbone-kernels}: each convolution kind's rate, one thread, after the settings. */
  private void printBackboneKernels(FloatImage lr) {
    if (!io.pcsr.udf.model.ConvKernelRates.supported()) {
      System.out.println("backbone kernels: not run (this JVM has no 256-bit vectors)");
      return;
    }
    System.out.printf("%nCARN-M host convolutions alone, one thread, %dx%d, best of %d:%n",
        lr.width(), lr.height(), Math.max(1, repeat));
    for (var r : io.pcsr.udf.model.ConvKernelRates.measure(lr.height(), lr.width(),
        Math.max(1, repeat))) {
      System.out.printf("  %-62s %8.1f ms %7.1f GFLOP/s%n", r.kind(), 1e3 * r.bestSeconds(),
          r.gflops());
    }
  }

  /** Spread of the backbone stages above which {@link #backboneSpread} warns. */
  static final double BACKBONE_SPREAD_WARNING = 0.05;

  /**
   * A line on the backbone stage's best round in each setting: the same work in every setting
   * (the routing comes after it), so its spread is how far the machine's speed moved between
   * the settings' best rounds, and about how far the time ratios can be off. Null for fewer
   * than two settings with a backbone stage.
   */
  static String backboneSpread(long[] backboneNanos) {
    if (backboneNanos.length < 2) {
      return null;
    }
    long min = Arrays.stream(backboneNanos).min().getAsLong();
    long max = Arrays.stream(backboneNanos).max().getAsLong();
    double spread = (double) (max - min) / min;
    return String.format(java.util.Locale.ROOT, "backbone stage (the same work in every "
        + "setting), best round per setting: %.0f-%.0f ms, %.1f %% apart%s", min / 1e6,
        max / 1e6, 100 * spread, spread > BACKBONE_SPREAD_WARNING
            ? ": the machine's speed moved during the run, and the time ratios carry noise of "
            + "about that size; run again, or with more --repeat" : "");
  }

  /**
   * The heavy upsampler's own rate: the upsampling stage of the all-heavy run (first-layer
   * projection, row gathers, the MLP, the bilinear residual and the scatter into the image)
   * against its executed multiply-adds, next to the GEMM rate of the same threads.
   */
  private void printHeavyPath(Upscaler up, FloatImage lr, Row allHeavy, MachineLimits limits) {
    io.pcsr.udf.model.PixelMlp heavy = up.engine().model().heavy();
    double lrPixels = (double) lr.width() * lr.height();
    double flops = lrPixels * heavy.executedFlopsPerLrPixel()
        + lrPixels * scale * scale * heavy.executedFlopsPerHrPixel();
    // best over the rounds, as the GEMM reference is
    double seconds = allHeavy.fastestStages().upsampling() / 1e9;
    double rate = flops / seconds / 1e9;
    System.out.printf("heavy path (all-heavy upsampling stage, best round): %.1f GFLOP in %.3f s "
        + "= %.1f GFLOP/s, %.0f%% of the GEMM rate%n", flops / 1e9, seconds, rate,
        100 * rate / limits.gemm());
  }

  /**
   * Best of {@code repeat} runs per setting, the settings taking turns round by round, so that
   * a slow spell of a shared machine hits every setting alike instead of one; with a float32
   * twin, also each setting's precision delta.
   */
  private List<Row> timeInRounds(java.util.Map<String, Setting> settings, FloatImage hr,
      Upscaler up, Upscaler float32) {
    java.util.Map<String, SrResult> best = new java.util.LinkedHashMap<>();
    java.util.Map<String, SrResult.StageNanos> fastest = new java.util.HashMap<>();
    // warm-up, untimed: every setting once, so that each one's own code (ADM's clustering, the
    // gathers of a mixed chunk) is compiled before its rounds count; with only k=0 warmed, ADM's
    // routing read 18 ms at best of five against 9 in a process that had run it a dozen times
    for (Setting s : settings.values()) {
      s.run(up);
    }
    int rounds = Math.max(1, repeat);
    java.util.Map<String, long[]> roundNanos = new java.util.HashMap<>();
    for (int round = 0; round < rounds; round++) {
      for (var e : settings.entrySet()) {
        SrResult r = e.getValue().run(up);
        roundNanos.computeIfAbsent(e.getKey(), k -> new long[rounds])[round] = r.nanos();
        best.merge(e.getKey(), r, (a, b) -> b.nanos() < a.nanos() ? b : a);
        fastest.merge(e.getKey(), r.stageNanos(), SrResult.StageNanos::fastest);
      }
      // the reference rates take turns with the settings too: measured once, a slow spell
      // of the shared machine moved the heavy path's share of the GEMM from 45 % to 76 %
      limits = MachineLimits.measure().best(limits);
    }
    List<Row> rows = new ArrayList<>();
    for (var e : best.entrySet()) {
      SrResult b = e.getValue();
      String name = e.getKey();
      double psnr = ImageMetrics.psnr(b.image(), hr, scale);
      System.out.printf("  %-26s %.3f s   (%s)%n", name, b.nanos() / 1e9, b.stageNanos());
      boolean pcsr = !name.startsWith("original");
      PrecisionDelta delta = float32 == null || !pcsr ? null
          : PrecisionDelta.of(b, settings.get(name).run(float32), hr, scale);
      rows.add(new Row(name, b.nanos() / 1e9, b.flops().paper(), b.flops().executed(),
          b.heavyFraction(), psnr, delta, b.stageNanos(), fastest.get(name),
          roundNanos.get(name)));
    }
    return rows;
  }
}
