package io.pcsr.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class TilePlanTest {
  private static final long EIGHT_K = 33_177_600L;

  @Test void sharesTilesOverPartitionsAndKeepsDecodeErrors() {
    List<Row> rows = List.of(TilePlan.imageRow("a.png", 640, 360, 6),
        TilePlan.imageRow("b.png", 640, 360, 6),
        TilePlan.errorRow("s3a://b/bad.png", "decode", "java.io.IOException", "truncated"),
        TilePlan.imageRow("c.png", 320, 200, 2));
    TilePlan plan = TilePlan.of(rows, "r1", 4, 4, EIGHT_K, false);
    assertEquals(14, plan.tiles());
    assertEquals(3, plan.fairShare()); // 14 / 4, rounded down
    // the two 6-tile images exceed a partition's fair share: they spread over the partitions
    assertEquals(2, plan.assembledAfterShuffle());
    assertEquals(1, plan.decodeErrors().size());
    Row error = plan.decodeErrors().get(0);
    assertEquals(List.of("r1", "s3a://b/bad.png", "decode", "java.io.IOException", "truncated"),
        List.of(error.get(0), error.get(1), error.get(2), error.get(3), error.get(4)));
    // a.png's and b.png's tiles spread, c.png's 2 go together: 3, 4, 3 and 2 + 2 tiles
    TileRanges ranges = plan.ranges();
    int[] counts = new int[4];
    for (String id : List.of("a.png", "b.png")) {
      for (int t = 0; t < 6; t++) {
        counts[ranges.getPartition(new TileKey(id, t, false))]++;
      }
    }
    int c = ranges.getPartition(new TileKey("c.png", 0, true));
    assertEquals(c, ranges.getPartition(new TileKey("c.png", 1, true)));
    counts[c] += 2;
    assertEquals(List.of(3, 4, 3, 4), java.util.Arrays.stream(counts).boxed().toList());
  }

  @Test void everyImageInItsTaskWhenEachFitsAShareAndTheLimit() {
    List<Row> rows = List.of(TilePlan.imageRow("a", 640, 360, 6),
        TilePlan.imageRow("b", 640, 360, 6));
    TilePlan plan = TilePlan.of(rows, "r", 2, 4, EIGHT_K, false);
    assertEquals(0, plan.assembledAfterShuffle());
    assertEquals(0, plan.ranges().getPartition(new TileKey("a", 5, true)));
    assertEquals(1, plan.ranges().getPartition(new TileKey("b", 0, true)));
    // an output over the in-task limit goes after the shuffle whatever its tile count
    assertEquals(2, TilePlan.of(rows, "r", 2, 4, 640L * 360 * 16 - 1, false)
        .assembledAfterShuffle());
    // a share is at least one tile, even with more partitions than tiles
    assertEquals(1, TilePlan.of(List.of(), "r", 8, 4, EIGHT_K, false).fairShare());
  }
}
