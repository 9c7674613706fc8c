package io.pcsr.job;

import org.apache.spark.Partitioner;

/** All the tiles of an image in one partition, for its assembly after the model stage. */
final class ImagePartitioner extends Partitioner {
  private static final long serialVersionUID = 1L;
  private final int partitions;

  ImagePartitioner(int partitions) {
    this.partitions = partitions;
  }

  @Override public int numPartitions() {
    return partitions;
  }

  @Override public int getPartition(Object key) {
    return Math.floorMod(((TileKey) key).imageId().hashCode(), partitions);
  }

  @Override public boolean equals(Object o) {
    return o instanceof ImagePartitioner p && p.partitions == partitions;
  }

  @Override public int hashCode() {
    return partitions;
  }
}
