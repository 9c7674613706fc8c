package io.pcsr.job.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real S3 server for tests: S3Proxy (its jar-with-dependencies, copied to
 * {@code target/s3proxy/s3proxy.jar} by the build) in a child JVM bound to 127.0.0.1 on a free
 * port, storing objects under a local directory (filesystem-nio2 backend; a bucket is a
 * directory). The child is stopped by {@link #close()} and, should the test JVM die first, by a
 * shutdown hook.
 */
public final class S3ProxyServer implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  private final Process process;
  private final int port;
  private final Path dataDir;
  private final Path log;
  private final String accessKey;
  private final String secretKey;
  private final Thread reaper;

  private S3ProxyServer(Process process, int port, Path dataDir, Path log, String accessKey,
      String secretKey) {
    this.process = process;
    this.port = port;
    this.dataDir = dataDir;
    this.log = log;
    this.accessKey = accessKey;
    this.secretKey = secretKey;
    this.reaper = new Thread(process::destroyForcibly, "s3proxy-reaper");
    Runtime.getRuntime().addShutdownHook(reaper);
  }

  /** The S3Proxy jar the build copied, or the one named by {@code -Ds3proxy.jar}. */
  public static Path jar() {
    return Path.of(System.getProperty("s3proxy.jar", "target/s3proxy/s3proxy.jar")).toAbsolutePath();
  }

  /**
   * Starts S3Proxy with the given buckets (directories under {@code workDir/data}) and waits until
   * it accepts connections.
   */
  public static S3ProxyServer start(Path workDir, String accessKey, String secretKey,
      String... buckets) throws IOException, InterruptedException {
    Path jar = jar();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("S3Proxy jar not found at " + jar
          + " (the job module's build copies it at process-test-resources)");
    }
    Path data = workDir.resolve("data").toAbsolutePath();
    Files.createDirectories(data);
    for (String b : buckets) {
      Files.createDirectories(data.resolve(b));
    }
    int port = freeLoopbackPort();
    Path props = workDir.resolve("s3proxy.properties");
    Files.write(props, List.of(
        "s3proxy.endpoint=http://127.0.0.1:" + port,
        "s3proxy.authorization=aws-v2-or-v4",
        "s3proxy.identity=" + accessKey,
        "s3proxy.credential=" + secretKey,
        "jclouds.provider=filesystem-nio2",
        "jclouds.identity=unused",
        "jclouds.credential=unused",
        "jclouds.filesystem.basedir=" + data));
    Path log = workDir.resolve("s3proxy.log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-Djava.net.preferIPv4Stack=true", "-jar", jar.toString(), "--properties", props.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    S3ProxyServer server = new S3ProxyServer(p, port, data, log, accessKey, secretKey);
    try {
      server.awaitPort();
    } catch (IOException | RuntimeException | InterruptedException e) {
      server.close();
      throw e;
    }
    return server;
  }

  private void awaitPort() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("S3Proxy exited with " + process.exitValue() + "; see " + log);
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
        return;
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    throw new IOException("S3Proxy did not open port " + port + " within " + START_TIMEOUT
        + "; see " + log);
  }

  static int freeLoopbackPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  /** The S3Proxy JVM. */
  public ProcessHandle process() {
    return process.toHandle();
  }

  /** Where bucket {@code name} keeps its objects on the local disk. */
  public Path bucketDir(String name) {
    return dataDir.resolve(name);
  }

  public Path log() {
    return log;
  }

  /**
   * The S3A client settings for this server, as Spark configuration keys
   * ({@code spark.hadoop.fs.s3a.*}): endpoint, path-style access, plain http, a region, and
   * static keys through {@code SimpleAWSCredentialsProvider}, so the AWS SDK never walks its
   * default chains (environment, profiles, EC2 instance metadata).
   */
  public Map<String, String> sparkConf() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("spark.hadoop.fs.s3a.endpoint", endpoint());
    m.put("spark.hadoop.fs.s3a.endpoint.region", "us-east-1");
    m.put("spark.hadoop.fs.s3a.path.style.access", "true");
    m.put("spark.hadoop.fs.s3a.connection.ssl.enabled", "false");
    m.put("spark.hadoop.fs.s3a.aws.credentials.provider",
        "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
    m.put("spark.hadoop.fs.s3a.access.key", accessKey);
    m.put("spark.hadoop.fs.s3a.secret.key", secretKey);
    // fail fast in tests instead of retrying for minutes
    m.put("spark.hadoop.fs.s3a.attempts.maximum", "2");
    m.put("spark.hadoop.fs.s3a.retry.limit", "2");
    return m;
  }

  /** {@link #sparkConf()} as Hadoop keys (the {@code spark.hadoop.} prefix removed). */
  public Map<String, String> hadoopConf() {
    Map<String, String> m = new LinkedHashMap<>();
    sparkConf().forEach((k, v) -> m.put(k.substring("spark.hadoop.".length()), v));
    return m;
  }

  @Override public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(reaper);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs anyway
    }
  }
}
