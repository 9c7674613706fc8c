package io.pcsr.job;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Assertions;

import io.pcsr.job.testing.Listeners;
import io.pcsr.job.testing.LogCapture;
import io.pcsr.job.testing.S3ProxyServer;
import io.pcsr.job.testing.TestModels;
import io.pcsr.udf.image.FloatImage;
import io.pcsr.udf.image.ImageCodec;
import io.pcsr.udf.spark.HadoopConf;
import io.pcsr.udf.spark.ModelFiles;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkFiles;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job against a real S3 server (S3Proxy on 127.0.0.1): input images, the model (pinned by
 * sha256) and every output on {@code s3a://}; outputs read back through S3 and compared with
 * whole-image inference; the credentials appear nowhere (logs, console, Parquet rows, objects,
 * error messages).
 */
class S3EndToEndTest extends SparkTestBase {
  static final String BUCKET = "pcsr-e2e";
  // unique per run, so any occurrence in an output is a leak and not a coincidence
  static final String ACCESS = "AKPCSR" + UUID.randomUUID().toString().replace("-", "").substring(0, 14).toUpperCase();
  static final String SECRET = "pcsr-secret-" + UUID.randomUUID();

  @TempDir static Path tmp;
  static S3ProxyServer s3;
  static Path model;
  static Path samples;

  @BeforeAll
  static void startS3() throws Exception {
    model = TestModels.fsrcnn(tmp.resolve("model"));
    assumeTrue(model != null, TestModels.absence());
    samples = Path.of(System.getProperty("pcsr.project.dir", ".."), "deploy", "samples");
    assumeTrue(Files.isDirectory(samples), "sample images absent at " + samples + "; skipped");
    long t0 = System.nanoTime();
    s3 = S3ProxyServer.start(tmp.resolve("s3proxy"), ACCESS, SECRET, BUCKET);
    System.out.printf("S3Proxy up on %s in %.1f s%n", s3.endpoint(), (System.nanoTime() - t0) / 1e9);
    List<ProcessHandle> server = List.of(s3.process());
    Assertions.assertFalse(Listeners.listening(server).isEmpty(), "S3Proxy's listening socket not found");
    Assertions.assertEquals(List.of(), Listeners.nonLoopback(server), "S3Proxy listens beyond 127.0.0.1");
  }

  @AfterAll
  static void stopS3() throws IOException {
    if (s3 != null) {
      Configuration c = new Configuration(false);
      s3.hadoopConf().forEach(c::set);
      FileSystem.get(URI.create("s3a://" + BUCKET + "/"), c).close(); // out of Hadoop's cache
      s3.close();
    }
  }

  /** The S3A settings as Spark keys, so the session's Hadoop configuration has them from the start. */
  @Override public SparkConf conf() {
    SparkConf c = super.conf();
    if (s3 != null) {
      s3.sparkConf().forEach(c::set);
    }
    return c;
  }

  /** And at run time too, in case a session created before this class is being reused. */
  @BeforeEach
  void s3aSettings() {
    Configuration h = spark().sparkContext().hadoopConfiguration();
    s3.hadoopConf().forEach(h::set);
  }

  private FileSystem s3fs() throws IOException {
    return FileSystem.get(URI.create("s3a://" + BUCKET + "/"), spark().sparkContext().hadoopConfiguration());
  }

  /**
   * The huge-scan paths against S3: each tile reads its own region of the input TIFF through
   * S3A (seeks become ranged GETs), and the streamed BigTIFF is made in a local temporary file,
   * then copied to S3 under a temporary key and renamed. The result must equal a local run's.
   */
  @Test
  void hugeTiffPathsWorkOnS3() throws Exception {
    FileSystem fs = s3fs();
    FloatImage photo = ImageCodec.read(samples.resolve("astronaut.png"));
    io.pcsr.udf.image.Samples rgb = io.pcsr.udf.image.Samples.allocate(
        io.pcsr.udf.image.SampleType.UINT8, 3, photo.height(), photo.width());
    for (int i = 0; i < photo.data().length; i++) {
      rgb.setFlat(i, io.pcsr.udf.image.SampleType.UINT8.quantize(photo.data()[i]));
    }
    Path localIn = Files.createDirectories(tmp.resolve("scenes"));
    RasterFixtures.writeTiff(localIn.resolve("scene.tif"), rgb,
        io.pcsr.udf.image.tiff.TiffLayout.Photometric.RGB, List.of(), RasterFixtures.geoTags(10));
    fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(localIn.resolve("scene.tif").toUri()),
        new org.apache.hadoop.fs.Path("s3a://" + BUCKET + "/scenes/scene.tif"));
    Map<String, String> conf = new java.util.HashMap<>(Map.of(PcsrConf.MODEL, model.toString(),
        PcsrConf.TILE_SIZE, "64", PcsrConf.STATS_PIXELS, "none", PcsrConf.RUN_ID, "s3huge",
        PcsrConf.TILED_TIFF_PIXELS, "100000"));
    PcsrJob.Outcome local = new PcsrJob(spark(), JobConfig.resolve(localIn.toString(),
        tmp.resolve("scenes-out").toString(), conf, k -> null)).run();
    conf.put(PcsrConf.REGION_DECODE_PIXELS, "1000");
    String out = "s3a://" + BUCKET + "/scenes-out";
    PcsrJob.Outcome onS3 = new PcsrJob(spark(), JobConfig.resolve("s3a://" + BUCKET + "/scenes/",
        out, conf, k -> null)).run();
    Assertions.assertEquals(1, local.succeeded(), local.reconciliation());
    Assertions.assertEquals(1, onS3.succeeded(), () -> onS3.images().toString());
    Assertions.assertEquals("bigtiff", onS3.images().get(0).getAs("output_format"));
    byte[] fromS3 = readAll(fs, out + "/images/scene.tif");
    Assertions.assertEquals(43, fromS3[2], "a BigTIFF");
    Path back = tmp.resolve("scene-from-s3.tif");
    Files.write(back, fromS3);
    Assertions.assertArrayEquals(decode(tmp.resolve("scenes-out/images/scene.tif")),
        decode(back), "region-decoded on S3 == decoded whole locally, sample for sample");
    RemoteIterator<LocatedFileStatus> keys = fs.listFiles(
        new org.apache.hadoop.fs.Path(out + "/images"), true);
    while (keys.hasNext()) {
      String name = keys.next().getPath().getName();
      Assertions.assertFalse(name.startsWith("._"), "temporary key left: " + name);
    }
  }

  private static byte[] decode(Path tiff) throws Exception {
    try (javax.imageio.stream.ImageInputStream in =
        new javax.imageio.stream.FileImageInputStream(tiff.toFile())) {
      return io.pcsr.udf.image.RasterReader.decode(in, tiff.toString(), Files.size(tiff),
          Long.MAX_VALUE, null).samples().toBytes();
    }
  }

  @Test
  void jobReadsModelAndImagesFromS3AndWritesImagesAndTablesToS3() throws Exception {
    FileSystem fs = s3fs();
    long t0 = System.nanoTime();
    // inputs: the three sample photos (one in a sub-folder) and a file that is not an image
    Map<String, Path> inputs = new LinkedHashMap<>();
    inputs.put("astronaut.png", samples.resolve("astronaut.png"));
    inputs.put("cats/chelsea.png", samples.resolve("chelsea.png"));
    inputs.put("coffee.png", samples.resolve("coffee.png"));
    for (Map.Entry<String, Path> e : inputs.entrySet()) {
      fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(e.getValue().toUri()),
          new org.apache.hadoop.fs.Path("s3a://" + BUCKET + "/in/" + e.getKey()));
    }
    try (FSDataOutputStream o = fs.create(new org.apache.hadoop.fs.Path("s3a://" + BUCKET + "/in/broken.png"))) {
      o.write("this is not a PNG".getBytes(StandardCharsets.US_ASCII));
    }
    String modelKey = "s3a://" + BUCKET + "/models/" + model.getFileName();
    fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(model.toUri()), new org.apache.hadoop.fs.Path(modelKey));
    double uploadSecs = (System.nanoTime() - t0) / 1e9;

    String out = "s3a://" + BUCKET + "/out";
    Map<String, String> conf = Map.of(PcsrConf.MODEL, modelKey + "#sha256=" + sha256(model),
        PcsrConf.TILE_SIZE, "96", PcsrConf.PARTITIONS, "2", PcsrConf.STATS_PIXELS, "lr",
        PcsrConf.RUN_ID, "s3run");
    PcsrJob.Outcome outcome;
    double jobSecs;
    String captured;
    try (LogCapture logs = new LogCapture()) {
      long t1 = System.nanoTime();
      outcome = new PcsrJob(spark(), JobConfig.resolve("s3a://" + BUCKET + "/in/", out, conf, k -> null)).run();
      jobSecs = (System.nanoTime() - t1) / 1e9;
      System.out.println(outcome.reconciliation());
      captured = logs.text();
      Assertions.assertTrue(logs.eventCount() > 0, "the log capture saw the job's log events");
    }
    Assertions.assertEquals(4, outcome.listed(), outcome.reconciliation());
    Assertions.assertEquals(3, outcome.succeeded(), outcome.reconciliation());
    Assertions.assertEquals(1, outcome.failed(), outcome.reconciliation());

    // images, read back through S3: they decode, are 4x the input, and show the input (a 4x4 box
    // average of the output is close to it; SparkJobTest checks exactness against whole-image
    // inference, which would cost this test more time than it adds)
    long t2 = System.nanoTime();
    for (Map.Entry<String, Path> e : inputs.entrySet()) {
      byte[] written = readAll(fs, out + "/images/" + e.getKey());
      FloatImage sr = ImageCodec.read(written, e.getKey());
      FloatImage lr = ImageCodec.read(e.getValue());
      Assertions.assertEquals(4 * lr.width(), sr.width(), e.getKey());
      Assertions.assertEquals(4 * lr.height(), sr.height(), e.getKey());
      Assertions.assertTrue(meanAbsBoxDiff(lr, sr, 4) < 0.03, e.getKey() + " does not look like its input");
    }
    Assertions.assertTrue(fs.exists(new org.apache.hadoop.fs.Path(out + "/_SUCCESS")));
    Assertions.assertFalse(fs.exists(new org.apache.hadoop.fs.Path(out + "/images/broken.png")));

    double imageSecs = (System.nanoTime() - t2) / 1e9;
    // the Parquet tables, read back through S3
    List<Row> images = spark().read().parquet(out + "/_stats/images").orderBy("image_id").collectAsList();
    Assertions.assertEquals(List.of("astronaut.png", "cats/chelsea.png", "coffee.png"),
        images.stream().map(r -> r.<String>getAs("image_id")).toList());
    for (Row r : images) {
      Assertions.assertEquals("ok", r.getAs("status"), r.toString());
      Assertions.assertEquals("s3run", r.getAs("run_id"));
      Assertions.assertTrue(r.<String>getAs("source").startsWith("s3a://" + BUCKET + "/in/"), r.toString());
      Assertions.assertEquals(out + "/images/" + r.getAs("image_id"), r.getAs("output"));
      Assertions.assertTrue(r.<String>getAs("model").startsWith(modelKey), r.<String>getAs("model"));
      Assertions.assertEquals(16L * r.<Integer>getAs("width_in") * r.<Integer>getAs("height_in"), (long) r.<Long>getAs("pixels"));
      Assertions.assertTrue(r.<Double>getAs("flops_paper") > 0);
    }
    List<Row> errors = spark().read().parquet(out + "/_stats/errors").collectAsList();
    Assertions.assertEquals(1, errors.size(), errors.toString());
    Assertions.assertEquals("s3a://" + BUCKET + "/in/broken.png", errors.get(0).getAs("source"));
    Assertions.assertEquals("decode", errors.get(0).getAs("stage"));
    Assertions.assertEquals(List.of("cpu"), spark().read().parquet(out + "/_stats/tiles").select("device")
        .distinct().collectAsList().stream().map(r -> r.getString(0)).toList(), "tiles ran on the CPU");
    long tiles = spark().read().parquet(out + "/_stats/tiles").count();
    long expectedTiles = images.stream().mapToLong(r -> r.<Integer>getAs("tiles")).sum();
    Assertions.assertEquals(expectedTiles, tiles);
    long pixelRows = spark().read().parquet(out + "/_stats/pixels").count();
    long lrPixels = images.stream().mapToLong(r -> (long) r.<Integer>getAs("width_in") * r.<Integer>getAs("height_in")).sum();
    Assertions.assertEquals(lrPixels, pixelRows, "pixels table at LR granularity");

    // the credentials: not in any object written, not in any Parquet row, not in the logs
    List<String> objects = new ArrayList<>();
    RemoteIterator<LocatedFileStatus> it = fs.listFiles(new org.apache.hadoop.fs.Path(out), true);
    while (it.hasNext()) {
      LocatedFileStatus st = it.next();
      objects.add(st.getPath().toString());
      String bytes = new String(readAll(fs, st.getPath().toString()), StandardCharsets.ISO_8859_1);
      assertNoCredentials(bytes, st.getPath().toString());
    }
    Assertions.assertTrue(objects.stream().anyMatch(o -> o.contains("/_stats/pixels/run_id=s3run/")), objects.toString());
    for (String table : List.of("images", "tiles", "pixels", "errors")) {
      // every distinct value of every text column (numbers cannot hold a key)
      Dataset<Row> df = spark().read().parquet(out + "/_stats/" + table);
      String[] text = java.util.Arrays.stream(df.schema().fields())
          .filter(f -> f.dataType() instanceof org.apache.spark.sql.types.StringType)
          .map(f -> f.name()).toArray(String[]::new);
      Assertions.assertTrue(text.length > 0, table);
      for (String json : df.selectExpr(text).distinct().toJSON().collectAsList()) {
        assertNoCredentials(json, table + " row");
      }
    }
    assertNoCredentials(captured, "log output of the run");
    Assertions.assertTrue(captured.contains("s3run"), "the capture holds the run's own log lines");
    System.out.printf("S3 end to end: upload %.1f s, job %.1f s, image checks %.1f s, all checks %.1f s,"
        + " %d objects written%n", uploadSecs, jobSecs, imageSecs, (System.nanoTime() - t2) / 1e9, objects.size());
  }

  @Test
  void modelErrorsOnS3NameNoCredentials() throws Exception {
    try (LogCapture logs = new LogCapture()) {
      HadoopConf hadoop = new HadoopConf(spark().sparkContext().hadoopConfiguration());
      RuntimeException missing = Assertions.assertThrows(RuntimeException.class,
          () -> ModelFiles.resolve("s3a://" + BUCKET + "/models/missing.pth", hadoop));
      Assertions.assertTrue(missing.getMessage().contains("missing.pth"), missing.getMessage());
      assertNoCredentials(trace(missing), "error for a missing model");

      // credentials written into the URI itself must not come back in the error
      String withSecret = "s3a://" + ACCESS + ":" + SECRET + "@" + BUCKET + "/models/missing.pth";
      RuntimeException inUri = Assertions.assertThrows(RuntimeException.class, () -> ModelFiles.resolve(withSecret, hadoop));
      assertNoCredentials(trace(inUri), "error for a URI with credentials");

      String pinned = "s3a://" + BUCKET + "/models/" + model.getFileName() + "#sha256=" + "0".repeat(64);
      s3fs().copyFromLocalFile(new org.apache.hadoop.fs.Path(model.toUri()),
          new org.apache.hadoop.fs.Path("s3a://" + BUCKET + "/models/" + model.getFileName()));
      RuntimeException badPin = Assertions.assertThrows(RuntimeException.class, () -> ModelFiles.resolve(pinned, hadoop));
      Assertions.assertTrue(badPin.getMessage().contains("sha256 mismatch"), badPin.getMessage());
      assertNoCredentials(trace(badPin) + logs.text(), "pin mismatch");
    }
  }

  @Test
  void sparkFilesSchemeFindsFilesShippedWithTheApplication() throws Exception {
    spark().sparkContext().addFile(model.toString());
    String name = model.getFileName().toString();
    HadoopConf hadoop = new HadoopConf(spark().sparkContext().hadoopConfiguration());
    Path local = ModelFiles.resolve(ModelFiles.SPARK_FILES_PREFIX + name + "#sha256=" + sha256(model), hadoop);
    Assertions.assertEquals(Path.of(SparkFiles.get(name)), local);
    Assertions.assertArrayEquals(Files.readAllBytes(model), Files.readAllBytes(local));
    // and on the executors (local[2]: task threads), where the UDF resolves it
    List<String> seen = spark().range(0, 2, 1, 2).map(
        (org.apache.spark.api.java.function.MapFunction<Long, String>) i ->
            ModelFiles.resolve(ModelFiles.SPARK_FILES_PREFIX + name, hadoop).toString(),
        org.apache.spark.sql.Encoders.STRING()).collectAsList();
    seen.forEach(p -> Assertions.assertTrue(Files.isRegularFile(Path.of(p)), p));
    RuntimeException absent = Assertions.assertThrows(RuntimeException.class,
        () -> ModelFiles.resolve(ModelFiles.SPARK_FILES_PREFIX + "not-shipped.pth", hadoop));
    Assertions.assertTrue(absent.getMessage().contains("--files"), absent.getMessage());
    Assertions.assertThrows(RuntimeException.class, () -> ModelFiles.resolve(ModelFiles.SPARK_FILES_PREFIX + "../etc/passwd", hadoop));
  }

  private static void assertNoCredentials(String text, String where) {
    Assertions.assertFalse(text.contains(SECRET), "the S3 secret key appears in " + where);
    Assertions.assertFalse(text.contains(ACCESS), "the S3 access key appears in " + where);
  }

  /** Mean |lr - box-averaged sr| over all samples, values in [0, 1]. */
  private static double meanAbsBoxDiff(FloatImage lr, FloatImage sr, int s) {
    double sum = 0;
    int n = 0;
    for (int c = 0; c < Math.min(lr.channels(), sr.channels()); c++) {
      for (int y = 0; y < lr.height(); y++) {
        for (int x = 0; x < lr.width(); x++) {
          double box = 0;
          for (int dy = 0; dy < s; dy++) {
            for (int dx = 0; dx < s; dx++) {
              box += sr.get(c, y * s + dy, x * s + dx);
            }
          }
          sum += Math.abs(box / (s * s) - lr.get(c, y, x));
          n++;
        }
      }
    }
    return sum / n;
  }

  private static String trace(Throwable t) {
    java.io.StringWriter w = new java.io.StringWriter();
    t.printStackTrace(new java.io.PrintWriter(w));
    return w.toString();
  }

  private static byte[] readAll(FileSystem fs, String path) throws IOException {
    try (InputStream in = fs.open(new org.apache.hadoop.fs.Path(path))) {
      return in.readAllBytes();
    }
  }

  private static String sha256(Path p) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
  }
}
