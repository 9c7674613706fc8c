import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Two builds of the udf module timed in one process, round after round in turn: each jar in
 * a class loader of its own (DJL and libtorch shared below them), so that both meet the same
 * machine at the same moments. Separate processes on the project's shared 2-vCPU machines
 * moved the CARN backbone by 5-10 % from one to the next, more than most kernel changes.
 *
 * <p>Run by deploy/udf-ab.sh, which puts DJL and the rest of the job's libraries (not the udf
 * jar) on the class path. Arguments: JAR_A JAR_B HR.png CHECKPOINT SETTING ROUNDS THREADS
 * [WxH]; SETTING as the CLI's --routing (k=-25 is all-heavy; "k=0" refines, as bench does).
 * Prints, per jar, the fastest of the rounds after two warm-up rounds, stage by stage, then
 * B over A round by round (median and range): a slow spell that spans a round moves both.
 *
 * <p>Caveat seen at the seventeenth stop: now and then one loader's backbone ran 15-20 % slower
 * than usual for a whole process, on either build; compare several processes, both orders.
 */
public final class UdfAb {
  private static final String[] STAGES = {"wall", "backbone", "classifier", "routing",
      "upsampling"};

  public static void main(String[] args) throws Exception {
    if (args.length < 7) {
      System.err.println("usage: UdfAb JAR_A JAR_B HR.png CHECKPOINT SETTING ROUNDS THREADS [WxH]");
      System.exit(2);
    }
    Class.forName("ai.djl.engine.Engine").getMethod("getEngine", String.class)
        .invoke(null, "PyTorch");
    Class.forName("ai.djl.pytorch.jni.JniUtils").getMethod("setNumThreads", int.class)
        .invoke(null, Integer.parseInt(args[6]));
    Build[] builds = {
        new Build(Path.of(args[0]), Path.of(args[2]), Path.of(args[3]), args[4],
            args.length > 7 ? args[7] : null),
        new Build(Path.of(args[1]), Path.of(args[2]), Path.of(args[3]), args[4],
            args.length > 7 ? args[7] : null)};
    int rounds = Integer.parseInt(args[5]);
    long[][] best = new long[2][];
    // each counted round's B over A per stage: the two builds run back to back in a round
    List<double[]> ratios = new ArrayList<>();
    for (int round = 0; round < rounds; round++) {
      long[][] times = new long[2][];
      for (int b = 0; b < 2; b++) {
        long[] t = builds[b].run();
        times[b] = t;
        if (round < 2) {
          continue; // warm-up: the JIT, the allocator
        }
        if (best[b] == null) {
          best[b] = t;
        }
        for (int s = 0; s < t.length; s++) {
          best[b][s] = Math.min(best[b][s], t[s]);
        }
      }
      if (round >= 2) {
        double[] r = new double[STAGES.length];
        for (int s = 0; s < r.length; s++) {
          r[s] = (double) times[1][s] / times[0][s];
        }
        ratios.add(r);
      }
    }
    for (int b = 0; b < 2; b++) {
      StringBuilder line = new StringBuilder(Path.of(args[b]).getFileName().toString())
          .append(':');
      for (int s = 0; s < STAGES.length; s++) {
        line.append(String.format(" %s %.1f ms", STAGES[s], best[b][s] / 1e6));
      }
      System.out.println(line);
    }
    if (!ratios.isEmpty()) {
      StringBuilder line = new StringBuilder(Path.of(args[1]).getFileName() + " over "
          + Path.of(args[0]).getFileName() + ", round by round, median (range):");
      for (int s = 0; s < STAGES.length; s++) {
        int stage = s;
        double[] r = ratios.stream().mapToDouble(x -> x[stage]).sorted().toArray();
        double median = r.length % 2 == 1 ? r[r.length / 2]
            : (r[r.length / 2 - 1] + r[r.length / 2]) / 2;
        line.append(String.format(" %s %.3f (%.3f-%.3f)", STAGES[s], median, r[0],
            r[r.length - 1]));
      }
      System.out.println(line);
    }
  }

  /** One udf jar, its engine and input, reached by reflection through its own loader. */
  private static final class Build {
    private final Object upscaler;
    private final Object lr;
    private final Object policy;
    private final boolean refine;
    private final Method upscale;

    Build(Path jar, Path hrPath, Path checkpoint, String setting, String hrSize)
        throws Exception {
      ClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()},
          UdfAb.class.getClassLoader());
      Class<?> codec = loader.loadClass("io.pcsr.udf.image.ImageCodec");
      Class<?> image = loader.loadClass("io.pcsr.udf.image.FloatImage");
      Class<?> bicubic = loader.loadClass("io.pcsr.udf.image.MatlabBicubic");
      Object hr = codec.getMethod("read", Path.class).invoke(null, hrPath);
      if (hrSize != null) {
        String[] wh = hrSize.split("x");
        hr = bicubic.getMethod("resize", image, int.class, int.class)
            .invoke(null, hr, Integer.parseInt(wh[1]), Integer.parseInt(wh[0]));
      }
      hr = bicubic.getMethod("cropToMultiple", image, int.class).invoke(null, hr, 4);
      lr = bicubic.getMethod("downscale", image, int.class).invoke(null, hr, 4);
      Class<?> precision = loader.loadClass("io.pcsr.udf.model.Precision");
      Class<?> cache = loader.loadClass("io.pcsr.udf.infer.ModelCache");
      Object engine = cache.getMethod("engine", Path.class, int.class, int.class, int.class,
          precision).invoke(null, checkpoint, 4, 0, 262144,
          precision.getField("FLOAT32").get(null));
      Class<?> upscalerClass = loader.loadClass("io.pcsr.udf.infer.Upscaler");
      upscaler = upscalerClass.getConstructor(engine.getClass()).newInstance(engine);
      Class<?> policyClass = loader.loadClass("io.pcsr.udf.routing.RoutingPolicy");
      policy = policyClass.getMethod("parse", String.class).invoke(null, setting);
      refine = setting.equals("k=0");
      upscale = upscalerClass.getMethod("upscale", image, policyClass, boolean.class);
    }

    /** One run: wall time, then each stage, in nanoseconds. */
    long[] run() throws Exception {
      Object result = upscale.invoke(upscaler, lr, policy, refine);
      Object stages = result.getClass().getMethod("stageNanos").invoke(result);
      long[] t = new long[STAGES.length];
      t[0] = (long) result.getClass().getMethod("nanos").invoke(result);
      for (int s = 1; s < STAGES.length; s++) {
        t[s] = (long) stages.getClass().getMethod(STAGES[s]).invoke(stages);
      }
      return t;
    }
  }
}
