package io.pcsr.job;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pcsr.job.testing.Listeners;
import io.pcsr.job.testing.StandaloneCluster;
import io.pcsr.job.testing.TestModels;
import io.pcsr.udf.image.FloatImage;
import io.pcsr.udf.image.ImageCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.jar.JarFile;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job on a real Spark standalone cluster (deploy/standalone-cluster.sh: a master and two
 * workers, separate JVMs on 127.0.0.1), submitted through Spark's SparkSubmit with the thin
 * application jar, the model shipped with --files and read through {@code sparkfiles:}. One
 * executor JVM is killed (SIGKILL) in the middle of the PCSR stage; the job must finish with every
 * image, byte-identical to a clean run on the same cluster.
 *
 * <p>About three minutes on a 2-core machine, so not in the default suite: {@code .ci/run} runs it
 * as its own step, {@code ./mvnw -B -pl job -am test -Dgroups=cluster -Dpcsr.cluster=true}, after
 * {@code package} has built job/target/pcsr-job-spark.jar and job/target/lib.
 */
@Tag("cluster")
@EnabledIfSystemProperty(named = "pcsr.cluster", matches = "true",
    disabledReason = "real standalone cluster (~3 min): run with -Dgroups=cluster -Dpcsr.cluster=true after package")
class ClusterExecutorLossTest extends SparkTestBase {
  @TempDir static Path tmp;
  static Path project;
  static Path appJar;
  static Path model;
  static Path input;
  static StandaloneCluster cluster;
  static double startSecs;

  @BeforeAll
  static void startCluster() throws Exception {
    project = Path.of(System.getProperty("pcsr.project.dir", "..")).toAbsolutePath().normalize();
    Path thin = project.resolve("job/target/pcsr-job-spark.jar");
    Path lib = project.resolve("job/target/lib");
    Assertions.assertTrue(Files.isRegularFile(thin) && Files.isDirectory(lib),
        "the cluster test needs the packaged jars: run ./mvnw -B -DskipTests package first (missing "
            + thin + " or " + lib + ")");
    model = TestModels.fsrcnn(tmp.resolve("model"));
    assumeTrue(model != null, TestModels.absence());
    // a private copy: a concurrent build may rewrite job/target while the cluster runs
    appJar = Files.copy(thin, tmp.resolve("pcsr-job-spark.jar"));
    input = makeInputs(tmp.resolve("in"));

    cluster = new StandaloneCluster(project, tmp.resolve("cluster"), Map.of(
        "PCSR_APP_JAR", appJar.toString(),
        "PCSR_WORKERS", "2", "PCSR_WORKER_CORES", "1", "PCSR_WORKER_MEMORY", "2g",
        "DJL_CACHE_DIR", System.getProperty("DJL_CACHE_DIR", System.getProperty("user.home") + "/.djl.ai")));
    long t0 = System.nanoTime();
    System.out.println(cluster.start());
    startSecs = (System.nanoTime() - t0) / 1e9;
    System.out.printf("cluster up in %.1f s%n", startSecs);
    List<ProcessHandle> jvms = cluster.processes();
    Assertions.assertEquals(3, jvms.size(), "master + 2 workers: " + jvms);
    Assertions.assertFalse(Listeners.listening(jvms).isEmpty(), "no listening sockets found");
    Assertions.assertEquals(List.of(), Listeners.nonLoopback(jvms), "the cluster listens beyond 127.0.0.1");
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (cluster != null) {
      long t0 = System.nanoTime();
      List<ProcessHandle> left = cluster.stop();
      System.out.printf("cluster stopped in %.1f s%n", (System.nanoTime() - t0) / 1e9);
      left.forEach(ProcessHandle::destroyForcibly);
      Assertions.assertEquals(List.of(), left.stream().map(StandaloneCluster::commandLine).toList(),
          "processes of the cluster still running after stop");
    }
  }

  /** Twelve distinct images: four crops of each sample photo, of different sizes. */
  static Path makeInputs(Path dir) throws IOException {
    Path samples = project.resolve("deploy/samples");
    int n = 0;
    for (String name : List.of("astronaut", "chelsea", "coffee")) {
      FloatImage im = ImageCodec.read(samples.resolve(name + ".png"));
      for (int i = 0; i < 4; i++) {
        int h = im.height() - 12 * i - 7;
        int w = im.width() - 9 * i - 3;
        Path out = dir.resolve(i % 2 == 0 ? "a" : "b").resolve(name + "-" + i + ".png");
        Files.createDirectories(out.getParent());
        ImageCodec.write(im.crop(5 * i, 3 * i, h, w), out);
        n++;
      }
    }
    Assertions.assertEquals(12, n);
    return dir;
  }

  private List<String> pcsrArgs(Path out, String runId) {
    return List.of("run", "--input", input.toString(), "--output", out.toString(),
        "--model", "sparkfiles:" + model.getFileName(), "--tile-size", "64", "--partitions", "8",
        "--run-id", runId);
  }

  private List<String> submitOptions() {
    return List.of("--files", model.toString());
  }

  @Test
  void thinJarCarriesTheApplicationButNotSparkHadoopScalaOrLibtorch() throws IOException {
    try (JarFile z = new JarFile(appJar.toFile())) {
      for (String must : List.of("io/pcsr/job/PcsrCli.class", "io/pcsr/udf/spark/PcsrPartitionFunction.class",
          "ai/djl/engine/Engine.class", "ai/djl/pytorch/engine/PtEngine.class", "jnilib/pytorch.properties",
          "picocli/CommandLine.class", "org/apache/hadoop/fs/s3a/S3AFileSystem.class",
          "software/amazon/awssdk/services/s3/S3Client.class", "META-INF/services/ai.djl.engine.EngineProvider")) {
        Assertions.assertNotNull(z.getEntry(must), "thin jar lacks " + must);
      }
      z.stream().forEach(e -> {
        String n = e.getName();
        Assertions.assertFalse(n.startsWith("org/apache/spark/") || n.startsWith("scala/")
            || n.startsWith("org/apache/hadoop/fs/FileSystem") || n.startsWith("native/lib/")
            || n.startsWith("com/fasterxml/jackson/databind/"), "thin jar carries " + n);
      });
      Assertions.assertNull(z.getManifest().getMainAttributes().getValue("Class-Path"),
          "a Class-Path would pull job/target/lib/* into the application's class loader");
    }
  }

  @Test
  void jobFinishesByteIdenticalAfterAnExecutorIsKilledMidJob() throws Exception {
    // 1. a clean run, with Kryo as the serializer (as many clusters set it): the tiles' shuffle
    // and the tasks' results carry the project's own records; the second run uses Java's
    Path clean = tmp.resolve("out-clean");
    Path cleanLog = tmp.resolve("submit-clean.log");
    long t0 = System.nanoTime();
    List<String> kryo = new java.util.ArrayList<>(submitOptions());
    kryo.addAll(List.of("--conf", "spark.serializer=org.apache.spark.serializer.KryoSerializer"));
    Process p = cluster.submit(cleanLog, kryo, pcsrArgs(clean, "clean"));
    Assertions.assertTrue(p.waitFor(10, TimeUnit.MINUTES), "clean run did not end in 10 min");
    double cleanSecs = (System.nanoTime() - t0) / 1e9;
    String cleanOut = Files.readString(cleanLog);
    Assertions.assertEquals(0, p.exitValue(), tail(cleanOut));
    Assertions.assertTrue(cleanOut.contains("listed 12 = written 12 + errors 0 + skipped (finished before) 0"), tail(cleanOut));
    // the script gives executors --add-modules=jdk.incubator.vector: without it they would fall
    // back to libtorch for the upsamplers silently, same images, more time
    String executorLogs = executorStderr(cluster.dir().resolve("work"));
    Assertions.assertTrue(executorLogs.contains("PCSR engine: light and heavy upsamplers: JVM SIMD"),
        "no executor ran the upsamplers on the JVM's SIMD units: "
            + executorLogs.lines().filter(l -> l.contains("PCSR engine")).toList());

    // 2. the same job; one executor JVM is killed once it is inside the PCSR stage
    Path killed = tmp.resolve("out-kill");
    Path killLog = tmp.resolve("submit-kill.log");
    long t1 = System.nanoTime();
    Process q = cluster.submit(killLog, submitOptions(), pcsrArgs(killed, "kill"));
    Victim victim = awaitPcsrStage(q, cleanApp(cleanOut));
    Thread.sleep(1500); // a little into the stage: tasks running, some map output written
    Assertions.assertTrue(q.isAlive(), "the job ended before the executor could be killed");
    // master, workers, executors and the driver (the submitting JVM): loopback only
    List<ProcessHandle> running = cluster.processes();
    Assertions.assertTrue(cluster.executors().size() >= 1 && running.size() >= 5, running.toString());
    Assertions.assertEquals(List.of(), Listeners.nonLoopback(running), "a JVM of the run listens beyond 127.0.0.1");
    ProcessHandle exec = cluster.executor(victim.app, victim.executor)
        .orElseThrow(() -> new AssertionError("no JVM for executor " + victim));
    long killedAt = System.nanoTime();
    Assertions.assertTrue(exec.destroyForcibly(), "SIGKILL to executor " + victim + " pid " + exec.pid());
    System.out.printf("killed executor %s of %s (pid %d) %.1f s into the run%n", victim.executor,
        victim.app, exec.pid(), (killedAt - t1) / 1e9);
    Assertions.assertTrue(q.waitFor(10, TimeUnit.MINUTES), "run with a killed executor did not end in 10 min");
    long end = System.nanoTime();
    String killOut = Files.readString(killLog);
    Assertions.assertEquals(0, q.exitValue(), tail(killOut));
    Assertions.assertTrue(killOut.contains("listed 12 = written 12 + errors 0 + skipped (finished before) 0"), tail(killOut));
    Assertions.assertTrue(killOut.contains("Lost executor " + victim.executor),
        "the driver saw the executor go: " + tail(killOut));
    long executorsAdded = Pattern.compile("Executor added: " + Pattern.quote(victim.app) + "/").matcher(killOut).results().count();
    Assertions.assertTrue(executorsAdded >= 3, "a replacement executor was started (" + executorsAdded + " added)");

    // 3. every image is there and byte-identical to the clean run; nothing half-written
    Map<String, byte[]> a = files(clean.resolve("images"));
    Map<String, byte[]> b = files(killed.resolve("images"));
    Assertions.assertEquals(12, a.size(), a.keySet().toString());
    Assertions.assertEquals(a.keySet(), b.keySet(), "same images written (temporary files included)");
    a.forEach((k, v) -> Assertions.assertArrayEquals(v, b.get(k), k + " differs from the clean run"));
    Assertions.assertTrue(Files.exists(killed.resolve("_SUCCESS")));

    // 4. the tables: the same rows (timings and executor names aside), no duplicates, no errors
    String[] imageCols = {"image_id", "status", "width_out", "height_out", "tiles", "pixels", "heavy_pixels", "flops", "flops_paper"};
    List<Row> ia = spark().read().parquet(clean.resolve("_stats/images").toString()).selectExpr(imageCols).orderBy("image_id").collectAsList();
    List<Row> ib = spark().read().parquet(killed.resolve("_stats/images").toString()).selectExpr(imageCols).orderBy("image_id").collectAsList();
    Assertions.assertEquals(ia, ib, "images table");
    Assertions.assertEquals(12, ib.size());
    Assertions.assertTrue(ib.stream().allMatch(r -> "ok".equals(r.getString(1))), ib.toString());
    String tileCols = "image_id, tile_index, y, x, height, width, pixels, heavy_pixels, flops";
    List<Row> ta = spark().read().parquet(clean.resolve("_stats/tiles").toString()).selectExpr(tileCols.split(", ")).orderBy("image_id", "tile_index").collectAsList();
    List<Row> tb = spark().read().parquet(killed.resolve("_stats/tiles").toString()).selectExpr(tileCols.split(", ")).orderBy("image_id", "tile_index").collectAsList();
    Assertions.assertEquals(ta, tb, "tiles table (a retried task must not leave duplicate rows)");
    Row pa = spark().read().parquet(clean.resolve("_stats/pixels").toString()).selectExpr("count(*)", "sum(heavy)", "sum(flops)").first();
    Row pb = spark().read().parquet(killed.resolve("_stats/pixels").toString()).selectExpr("count(*)", "sum(heavy)", "sum(flops)").first();
    Assertions.assertEquals(pa, pb, "pixels table");
    // a run without errors leaves an errors file with the table's schema and no rows
    Assertions.assertEquals(0, spark().read().parquet(killed.resolve("_stats/errors").toString())
        .count(), "no errors rows");

    double killSecs = (end - t1) / 1e9;
    System.out.printf("standalone cluster: start %.1f s, clean run %.1f s, run with a killed executor %.1f s"
        + " (kill -> job end %.1f s)%n", startSecs, cleanSecs, killSecs, (end - killedAt) / 1e9);
    System.out.println("driver on recovery: " + grep(killOut, "Lost executor|Resubmitt|FetchFailed|Executor added|is now (EXITED|FAILED)"));
  }

  private record Victim(String app, String executor) {}

  private static String cleanApp(String driverLog) {
    Matcher m = Pattern.compile("Executor added: (app-[0-9-]+)/").matcher(driverLog);
    return m.find() ? m.group(1) : "";
  }

  /**
   * Waits until an executor of the new application has loaded libtorch, which it does at its
   * first PCSR (mapPartitions) task; decoding does not touch DJL.
   */
  private Victim awaitPcsrStage(Process job, String excludeApp) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(8);
    Path work = cluster.dir().resolve("work");
    while (System.nanoTime() < deadline) {
      Assertions.assertTrue(job.isAlive(), "the job ended before its PCSR stage was seen");
      try (Stream<Path> s = Files.walk(work, 4)) {
        for (Path stderr : s.filter(f -> f.getFileName().toString().equals("stderr")).toList()) {
          String app = stderr.getParent().getParent().getFileName().toString();
          if (app.equals(excludeApp)) {
            continue;
          }
          if (Files.readString(stderr, StandardCharsets.ISO_8859_1).contains("Number of inter-op threads")) {
            return new Victim(app, stderr.getParent().getFileName().toString());
          }
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no executor reached the PCSR stage in 8 minutes");
  }

  private static Map<String, byte[]> files(Path root) throws IOException {
    Map<String, byte[]> m = new TreeMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path f : s.filter(Files::isRegularFile).toList()) {
        m.put(root.relativize(f).toString(), Files.readAllBytes(f));
      }
    }
    return m;
  }

  private static String grep(String text, String regex) {
    Pattern p = Pattern.compile(regex);
    List<String> hits = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (p.matcher(line).find()) {
        hits.add(line.strip());
      }
    }
    return String.join("\n  ", hits);
  }

  private static String tail(String s) {
    return s.length() <= 6000 ? s : s.substring(s.length() - 6000);
  }

  /** Every executor's stderr under the workers' work directories, concatenated. */
  private static String executorStderr(Path work) throws java.io.IOException {
    StringBuilder all = new StringBuilder();
    try (var files = Files.walk(work)) {
      for (Path f : files.filter(f -> f.getFileName().toString().equals("stderr")).toList()) {
        all.append(Files.readString(f));
      }
    }
    return all.toString();
  }
}
