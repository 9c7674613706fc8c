package io.pcsr.udf.spark;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.SparkEnv;
import org.apache.spark.SparkFiles;

/**
 * Resolves a model URI to a local file, once per JVM: {@code bundled:NAME} (a model shipped in
 * the jar), {@code sparkfiles:NAME} (a file shipped with {@code spark-submit --files} or
 * {@code SparkContext.addFile}, found through {@link SparkFiles#get}), a local path or
 * {@code file:} URI as is, anything Hadoop can read ({@code s3a:}, {@code hdfs:}) copied to a
 * local cache directory ({@code -Dpcsr.model.cache}, default {@code java.io.tmpdir/pcsr-models}).
 * An optional {@code #sha256=HEX} suffix pins the content.
 */
public final class ModelFiles {
  /** Classpath folder of bundled models. */
  public static final String BUNDLED_PREFIX = "bundled:";
  /** Files the application shipped to every node ({@code --files}, {@code SparkContext.addFile}). */
  public static final String SPARK_FILES_PREFIX = "sparkfiles:";
  private static final String BUNDLED_DIR = "/io/pcsr/models/";
  private static final Map<String, Path> RESOLVED = new ConcurrentHashMap<>();

  private ModelFiles() {}

  public static Path resolve(String uri, HadoopConf conf) {
    Path cached = RESOLVED.get(uri);
    if (cached != null && !Files.isRegularFile(cached)) {
      RESOLVED.remove(uri, cached); // a cleaned temp dir, or an earlier application's files
    }
    return RESOLVED.computeIfAbsent(uri, u -> {
      try {
        return fetch(u, conf);
      } catch (IOException | RuntimeException e) {
        String why = redact(String.valueOf(e.getMessage()));
        if (!redact(u).equals(u)) {
          // the URI carried credentials: the cause's messages may repeat it, so it stays behind
          throw new UncheckedIOException(new IOException("cannot load model " + redact(u) + ": "
              + e.getClass().getName() + ": " + why));
        }
        if (e instanceof RuntimeException r) {
          throw r;
        }
        throw new UncheckedIOException("cannot load model " + u + ": " + why, (IOException) e);
      }
    });
  }

  private static Path fetch(String uri, HadoopConf conf) throws IOException {
    String pin = null;
    String location = uri;
    int hash = uri.indexOf("#sha256=");
    if (hash >= 0) {
      pin = uri.substring(hash + "#sha256=".length()).toLowerCase(java.util.Locale.ROOT);
      location = uri.substring(0, hash);
    }
    Path local;
    if (location.startsWith(BUNDLED_PREFIX)) {
      String name = location.substring(BUNDLED_PREFIX.length());
      if (!name.matches("[A-Za-z0-9._-]+")) {
        throw new IOException("bad bundled model name '" + name + "'");
      }
      try (InputStream in = ModelFiles.class.getResourceAsStream(BUNDLED_DIR + name)) {
        if (in == null) {
          throw new IOException("no bundled model '" + name + "' in this build");
        }
        local = copyToCache(in, name);
      }
    } else if (location.startsWith(SPARK_FILES_PREFIX)) {
      local = sparkFile(location.substring(SPARK_FILES_PREFIX.length()));
    } else if (!location.contains(":/") || location.startsWith("file:")) {
      local = location.startsWith("file:") ? Path.of(URI.create(location)) : Path.of(location);
      if (!Files.isRegularFile(local)) {
        throw new IOException("model file not found: " + local);
      }
    } else {
      URI u = URI.create(location);
      FileSystem fs = FileSystem.get(u, conf.get());
      try (InputStream in = fs.open(new org.apache.hadoop.fs.Path(u))) {
        local = copyToCache(in, new org.apache.hadoop.fs.Path(u).getName());
      }
    }
    if (pin != null) {
      String actual = sha256(local);
      if (!actual.equals(pin)) {
        throw new IOException("sha256 mismatch for " + redact(location) + ": expected " + pin
            + ", got " + actual);
      }
    }
    return local;
  }

  /** A file the application shipped with {@code --files}: where Spark put it on this node. */
  private static Path sparkFile(String name) throws IOException {
    if (!name.matches("[A-Za-z0-9._-]+")) {
      throw new IOException("bad sparkfiles name '" + name
          + "': give the file name as shipped with --files, without folders");
    }
    if (SparkEnv.get() == null) {
      throw new IOException(SPARK_FILES_PREFIX + name + " needs a running Spark application "
          + "(the file is shipped with spark-submit --files or SparkContext.addFile)");
    }
    Path local = Path.of(SparkFiles.get(name));
    if (!Files.isRegularFile(local)) {
      throw new IOException("no file '" + name + "' among the application's files (looked at "
          + local + "); ship it with spark-submit --files PATH/" + name);
    }
    return local;
  }

  private static Path copyToCache(InputStream in, String name) throws IOException {
    Path dir = Path.of(System.getProperty("pcsr.model.cache",
        System.getProperty("java.io.tmpdir") + "/pcsr-models"));
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "download-", ".part");
    Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
    Path target = dir.resolve(sha256(tmp).substring(0, 16) + "-" + name);
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return target;
  }

  static String sha256(Path file) throws IOException {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      try (InputStream in = Files.newInputStream(file)) {
        byte[] buf = new byte[1 << 16];
        int n;
        while ((n = in.read(buf)) > 0) {
          md.update(buf, 0, n);
        }
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A URI without user info (s3a://KEY:SECRET@bucket/... must never reach a log). */
  public static String redact(String uri) {
    return uri.replaceAll("://[^/@]+@", "://***@");
  }
}
