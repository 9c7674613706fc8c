package io.pcsr.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TileRangesTest {

  private static int[] tilesPerPartition(TileRanges ranges, List<TileRanges.Image> images) {
    int[] counts = new int[ranges.numPartitions()];
    for (TileRanges.Image im : images) {
      for (int t = 0; t < im.tiles(); t++) {
        counts[ranges.getPartition(new TileKey(im.id(), t, im.together()))]++;
      }
    }
    return counts;
  }

  @Test void sixteenEqualImagesFillFourPartitionsEvenly() {
    List<TileRanges.Image> images = new ArrayList<>();
    for (int i = 15; i >= 0; i--) { // any order: the ranges sort by image
      images.add(new TileRanges.Image(String.format("crop-%02d.png", i), 6, true));
    }
    int[] counts = tilesPerPartition(TileRanges.of(images, 4), images);
    assertEquals(List.of(24, 24, 24, 24), java.util.Arrays.stream(counts).boxed().toList());
  }

  @Test void anImageTogetherIsNeverSplitAndKeysStayInOrder() {
    List<TileRanges.Image> images = List.of(new TileRanges.Image("big.tif", 10, false),
        new TileRanges.Image("a.png", 7, true), new TileRanges.Image("z.png", 1, true));
    TileRanges ranges = TileRanges.of(images, 3);
    int a = ranges.getPartition(new TileKey("a.png", 0, true));
    for (int t = 1; t < 7; t++) {
      assertEquals(a, ranges.getPartition(new TileKey("a.png", t, true)));
    }
    // ranges: a key's partition never decreases along the order a.png < big.tif < z.png
    int last = a;
    for (int t = 0; t < 10; t++) {
      int p = ranges.getPartition(new TileKey("big.tif", t, false));
      assertTrue(p >= last, "tile " + t + " in " + p + " after " + last);
      last = p;
    }
    assertTrue(ranges.getPartition(new TileKey("z.png", 0, true)) >= last);
    int[] counts = tilesPerPartition(ranges, images);
    assertEquals(18, counts[0] + counts[1] + counts[2]);
    for (int c : counts) {
      assertTrue(c >= 5 && c <= 7, "about 6 tiles a partition: " + c);
    }
  }

  @Test void moreTogetherImagesThanPartitionsOrNoneAtAll() {
    // one image of many tiles and more partitions than units: the others stay empty
    List<TileRanges.Image> one = List.of(new TileRanges.Image("only.png", 40, true));
    TileRanges ranges = TileRanges.of(one, 8);
    assertEquals(8, ranges.numPartitions());
    int p = ranges.getPartition(new TileKey("only.png", 39, true));
    assertTrue(p >= 0 && p < 8);
    assertEquals(0, TileRanges.of(List.of(), 4).getPartition(new TileKey("x", 0, true)));
    assertThrows(IllegalArgumentException.class, () -> TileRanges.of(one, 0));
  }
}
