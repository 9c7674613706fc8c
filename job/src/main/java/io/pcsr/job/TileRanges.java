package io.pcsr.job;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.Partitioner;

/**
 * Range partitioning of the tiles, with ranges the driver computes from the run's plan rather
 * than from a sample: the plan already knows every image's tile count, so the ranges hold equal
 * shares of tiles exactly and no sampling job runs. An image whose tiles go together is one
 * unit of its tile count; a spreading image's tiles are units of one.
 */
final class TileRanges extends Partitioner {
  private static final long serialVersionUID = 1L;

  /** An image as the plan knows it. */
  record Image(String id, int tiles, boolean together) {}

  private final int partitions;
  /** The first key of partitions 1, 2, ...; partitions past the last bound are empty. */
  private final TileKey[] bounds;

  private TileRanges(int partitions, TileKey[] bounds) {
    this.partitions = partitions;
    this.bounds = bounds;
  }

  /**
   * Ranges over {@code images} (any order) giving each of {@code partitions} about the same
   * number of tiles: a unit goes to the partition its middle tile falls in.
   */
  static TileRanges of(List<Image> images, int partitions) {
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be at least 1: " + partitions);
    }
    List<Image> sorted = new ArrayList<>(images);
    sorted.sort((a, b) -> a.id().compareTo(b.id()));
    long total = 0;
    for (Image im : sorted) {
      total += im.tiles();
    }
    List<TileKey> bounds = new ArrayList<>();
    long before = 0;
    for (Image im : total == 0 ? List.<Image>of() : sorted) {
      int units = im.together() ? 1 : im.tiles();
      int weight = im.together() ? im.tiles() : 1;
      for (int u = 0; u < units; u++) {
        // the unit's middle tile, times the partitions over the total: its partition
        int p = (int) Math.min(partitions - 1, (2 * before + weight) * partitions / (2 * total));
        TileKey key = new TileKey(im.id(), im.together() ? 0 : u, im.together());
        while (bounds.size() < p) {
          bounds.add(key); // this unit opens partition p; any skipped stay empty
        }
        before += weight;
      }
    }
    return new TileRanges(partitions, bounds.toArray(TileKey[]::new));
  }

  @Override public int numPartitions() {
    return partitions;
  }

  @Override public int getPartition(Object key) {
    TileKey k = (TileKey) key;
    // the number of bounds at or below the key
    int lo = 0;
    int hi = bounds.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (TileKey.compareRanges(bounds[mid], k) <= 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  @Override public boolean equals(Object o) {
    return o instanceof TileRanges r && r.partitions == partitions
        && Arrays.equals(r.bounds, bounds);
  }

  @Override public int hashCode() {
    return 31 * partitions + Arrays.hashCode(bounds);
  }
}
