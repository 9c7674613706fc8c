package io.pcsr.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Images assembled inside their model task ({@code spark.pcsr.assembly.inTaskPixels}) against
 * the same images assembled after a shuffle by image: the same files and table rows, with the
 * HR pixels kept out of the shuffle.
 */
class InTaskAssemblyJobTest extends SparkTestBase {
  /** Between the two inputs' outputs: 384 x 384 (in the task) and 404 x 524 (after a shuffle). */
  private static final String MIXED = "200000";

  @TempDir static Path tmp;
  static Path carn;
  static Path input;

  @BeforeAll
  static void images() throws Exception {
    Path reference = Path.of(System.getProperty("pcsr.reference.dir", "../../shared/reference"));
    assumeTrue(Files.isDirectory(reference), "reference fixtures absent at " + reference + "; skipped");
    carn = reference.resolve("checkpoints/carn-pcsr-x4.pth");
    input = SparkJobTest.twoImages(tmp.resolve("in"), reference);
  }

  /**
   * Runs the job and returns the bytes its stages wrote to shuffles. The two images have 12 and
   * 9 tiles of 40: on one partition both are within its fair share of tiles, on three (7 tiles
   * each) neither is.
   */
  private long run(Path out, String routing, String inTaskPixels, int partitions)
      throws Exception {
    Map<String, String> conf = new HashMap<>(Map.of(PcsrConf.MODEL, carn.toString(),
        PcsrConf.ROUTING, routing, PcsrConf.TILE_SIZE, "40",
        PcsrConf.PARTITIONS, Integer.toString(partitions),
        PcsrConf.STATS_PIXELS, "full", PcsrConf.RUN_ID, "r",
        PcsrConf.IN_TASK_ASSEMBLY_PIXELS, inTaskPixels));
    AtomicLong shuffled = new AtomicLong();
    SparkListener bytes = new SparkListener() {
      @Override public void onStageCompleted(SparkListenerStageCompleted e) {
        shuffled.addAndGet(e.stageInfo().taskMetrics().shuffleWriteMetrics().bytesWritten());
      }
    };
    spark().sparkContext().addSparkListener(bytes);
    try {
      PcsrJob.Outcome o = new PcsrJob(spark(),
          JobConfig.resolve(input.toString(), out.toString(), conf, k -> null)).run();
      assertEquals(2, o.succeeded(), o.reconciliation());
      spark().sparkContext().listenerBus().waitUntilEmpty();
    } finally {
      spark().sparkContext().removeSparkListener(bytes);
    }
    return shuffled.get();
  }

  private List<Row> table(Path out, String name, String... columns) {
    return spark().read().parquet(out.resolve("_stats/" + name).toString())
        .selectExpr(columns).orderBy(java.util.Arrays.stream(columns)
            .map(org.apache.spark.sql.functions::col).toArray(org.apache.spark.sql.Column[]::new))
        .collectAsList();
  }

  /**
   * Equal lists, told by their first difference rather than by printing both. Floats may differ
   * in their last bit: two adaptive runs in one JVM gave p_heavy 0.4354061 and 0.43540615 for
   * the same pixel, with the same class decisions and images.
   */
  private static void assertSameRows(String what, List<Row> expected, List<Row> actual) {
    assertEquals(expected.size(), actual.size(), what + ": rows");
    for (int i = 0; i < expected.size(); i++) {
      Row e = expected.get(i);
      Row a = actual.get(i);
      for (int c = 0; c < e.length(); c++) {
        if (e.get(c) instanceof Float f) {
          assertEquals(f, a.getFloat(c), 1e-6f, what + ": row " + i + " " + e + " vs " + a);
        } else {
          assertEquals(e.get(c), a.get(c), what + ": row " + i + " " + e + " vs " + a);
        }
      }
    }
  }

  private void assertSameOutputs(Path expected, Path actual) throws Exception {
    for (String id : List.of("crop.png", "nested/case.png")) {
      assertArrayEquals(Files.readAllBytes(expected.resolve("images").resolve(id)),
          Files.readAllBytes(actual.resolve("images").resolve(id)), id);
    }
    String[] pixels = {"image_id", "y", "x", "heavy", "p_heavy", "flops", "flops_paper"};
    assertSameRows("pixels", table(expected, "pixels", pixels), table(actual, "pixels", pixels));
    String[] tiles = {"image_id", "tile_index", "y", "x", "pixels", "heavy_pixels", "flops"};
    assertSameRows("tiles", table(expected, "tiles", tiles), table(actual, "tiles", tiles));
    String[] images = {"image_id", "output", "width_out", "height_out", "tiles", "heavy_pixels",
        "flops", "status"};
    List<Row> a = table(expected, "images", images);
    List<Row> b = table(actual, "images", images);
    assertEquals(a.size(), b.size());
    for (int i = 0; i < a.size(); i++) {
      // the output column holds each run's own folder
      assertEquals(a.get(i).getString(1).replace(expected.toString(), ""),
          b.get(i).getString(1).replace(actual.toString(), ""));
      for (int c : new int[] {0, 2, 3, 4, 5, 6, 7}) {
        assertEquals(a.get(i).get(c), b.get(i).get(c), images[c] + " of " + a.get(i).get(0));
      }
    }
  }

  @Test
  void inTaskAndShuffledAssemblyWriteTheSameImagesAndRows() throws Exception {
    Path shuffle = tmp.resolve("shuffle");
    Path inTask = tmp.resolve("in-task");
    Path mixed = tmp.resolve("mixed");
    Path spread = tmp.resolve("spread");
    long shuffledBytes = run(shuffle, "k=0", "0", 1);
    long inTaskBytes = run(inTask, "k=0", PcsrConf.IN_TASK_ASSEMBLY_PIXELS_DEFAULT, 1);
    run(mixed, "k=0", MIXED, 1);
    // more tiles than a partition's share: spread over the partitions, assembled after a shuffle
    long spreadBytes = run(spread, "k=0", PcsrConf.IN_TASK_ASSEMBLY_PIXELS_DEFAULT, 3);
    assertSameOutputs(shuffle, inTask);
    assertSameOutputs(shuffle, mixed);
    assertSameOutputs(shuffle, spread);

    System.out.printf("shuffle bytes: %d assembling after a shuffle, %d in the task%n",
        shuffledBytes, inTaskBytes);
    // the HR samples of both outputs (3 bytes a pixel) no longer go through a shuffle
    long hrBytes = 3L * (384 * 384 + 404 * 524);
    Assertions.assertTrue(shuffledBytes - inTaskBytes > hrBytes / 4, "shuffle bytes: "
        + shuffledBytes + " assembling after a shuffle, " + inTaskBytes + " in the task, HR "
        + hrBytes);
    Assertions.assertTrue(spreadBytes - inTaskBytes > hrBytes / 4, "shuffle bytes: "
        + spreadBytes + " with the tiles spread over 3 partitions, " + inTaskBytes
        + " in the task, HR " + hrBytes);
  }

  @Test
  void perImageRoutingAssemblesInTheTaskToo() throws Exception {
    Path shuffle = tmp.resolve("adm-shuffle");
    Path mixed = tmp.resolve("adm-mixed");
    run(shuffle, "adaptive", "0", 3);
    run(mixed, "adaptive", MIXED, 1);
    assertSameOutputs(shuffle, mixed);
  }
}
