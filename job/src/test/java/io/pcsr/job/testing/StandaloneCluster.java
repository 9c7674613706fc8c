package io.pcsr.job.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Drives {@code deploy/standalone-cluster.sh} from a test: a Spark standalone master and workers
 * (separate JVMs, 127.0.0.1 only) under a directory of the test's own, submits through Spark's
 * SparkSubmit, and finds the executor JVMs the workers start.
 */
public final class StandaloneCluster implements AutoCloseable {
  private final Path project;
  private final Path dir;
  private final Map<String, String> env;
  private boolean started;

  /**
   * @param project the project root (holds deploy/ and job/target/)
   * @param dir the cluster's own directory (Spark home, logs, worker dirs)
   * @param env extra environment for the script (PCSR_* settings)
   */
  public StandaloneCluster(Path project, Path dir, Map<String, String> env) {
    this.project = project.toAbsolutePath().normalize();
    this.dir = dir.toAbsolutePath().normalize();
    this.env = Map.copyOf(env);
  }

  public Path dir() {
    return dir;
  }

  public Path script() {
    return project.resolve("deploy/standalone-cluster.sh");
  }

  private ProcessBuilder command(List<String> args, Path log) {
    List<String> cmd = new ArrayList<>(List.of("bash", script().toString()));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(project.toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("PCSR_CLUSTER_DIR", dir.toString());
    pb.environment().putAll(env);
    return pb;
  }

  /** Runs a script command to its end; returns its output, failing on a non-zero exit. */
  public String run(long timeoutSeconds, String... args) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Path log = Files.createTempFile(dir, "cmd-", ".log");
    Process p = command(List.of(args), log).start();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      throw new IOException(String.join(" ", args) + " did not end within " + timeoutSeconds
          + " s: " + Files.readString(log));
    }
    String out = Files.readString(log, StandardCharsets.UTF_8);
    if (p.exitValue() != 0) {
      throw new IOException(String.join(" ", args) + " exited with " + p.exitValue() + ": " + out);
    }
    return out;
  }

  public String start() throws IOException, InterruptedException {
    started = true;
    return run(600, "start");
  }

  /** Starts a submit in the background, its output (driver log and summary) going to {@code log}. */
  public Process submit(Path log, List<String> sparkSubmitOptions, List<String> pcsrArgs)
      throws IOException {
    List<String> args = new ArrayList<>();
    args.add("submit");
    args.addAll(sparkSubmitOptions);
    args.add("--");
    args.addAll(pcsrArgs);
    return command(args, log).start();
  }

  /** Live JVMs of this cluster (master, workers, executors, drivers submitted through it). */
  public List<ProcessHandle> processes() {
    String home = dir.resolve("spark-home").toString() + "/";
    try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
      return all.filter(ph -> commandLine(ph).contains(home)).collect(Collectors.toList());
    }
  }

  /** Executor JVMs (CoarseGrainedExecutorBackend) of this cluster. */
  public List<ProcessHandle> executors() {
    return processes().stream()
        .filter(ph -> commandLine(ph).contains("org.apache.spark.executor.CoarseGrainedExecutorBackend"))
        .collect(Collectors.toList());
  }

  /** The executor JVM running executor {@code executorId} of application {@code appId}. */
  public Optional<ProcessHandle> executor(String appId, String executorId) {
    return executors().stream().filter(ph -> {
      List<String> a = List.of(ph.info().arguments().orElse(new String[0]));
      int e = a.indexOf("--executor-id");
      int app = a.indexOf("--app-id");
      return e >= 0 && app >= 0 && executorId.equals(a.get(e + 1)) && appId.equals(a.get(app + 1));
    }).findFirst();
  }

  public static String commandLine(ProcessHandle ph) {
    ProcessHandle.Info info = ph.info();
    return info.command().orElse("") + " " + String.join(" ", info.arguments().orElse(new String[0]));
  }

  /** Stops the cluster; returns the processes still alive afterwards (should be none). */
  public List<ProcessHandle> stop() throws IOException, InterruptedException {
    if (started) {
      run(120, "stop");
      started = false;
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    List<ProcessHandle> left = processes();
    while (!left.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(200);
      left = processes();
    }
    return left;
  }

  @Override public void close() throws IOException, InterruptedException {
    List<ProcessHandle> left = stop();
    left.forEach(ProcessHandle::destroyForcibly); // last resort, by pid, ours only
  }
}
