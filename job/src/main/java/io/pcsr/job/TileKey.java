package io.pcsr.job;

import io.pcsr.udf.image.RasterHeader;
import io.pcsr.udf.spark.TileRows;
import java.io.Serializable;
import java.util.Comparator;
import java.util.Objects;
import org.apache.spark.api.java.function.PairFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import scala.Tuple2;

/**
 * A tile's shuffle key on its way to the model stage. A class, not a record: Kryo, which users
 * often choose as {@code spark.serializer}, cannot write a record's fields.
 */
final class TileKey implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String imageId;
  private final int tileIndex;
  /**
   * Whether all the image's tiles go to one partition (an image assembled in its model task,
   * or routed per image); otherwise each tile is placed on its own.
   */
  private final boolean together;

  TileKey(String imageId, int tileIndex, boolean together) {
    this.imageId = imageId;
    this.tileIndex = tileIndex;
    this.together = together;
  }

  String imageId() {
    return imageId;
  }

  @Override public boolean equals(Object o) {
    return o instanceof TileKey k && k.imageId.equals(imageId) && k.tileIndex == tileIndex
        && k.together == together;
  }

  @Override public int hashCode() {
    return Objects.hash(imageId, tileIndex, together);
  }

  @Override public String toString() {
    return imageId + "#" + tileIndex + (together ? " (together)" : "");
  }

  /** The order of tiles within a partition: by image, then tile. */
  static final Comparator<TileKey> ORDER = new Order();

  private static final int TILE_INDEX = TileRows.TILE.fieldIndex("tile_index");
  private static final int TILE_COUNT = TileRows.TILE.fieldIndex("tile_count");

  /**
   * Where a key falls among the partitions' ranges: by image, then tile for an image whose tiles
   * spread; an image whose tiles go together is one position.
   */
  static int compareRanges(TileKey a, TileKey b) {
    int c = a.imageId.compareTo(b.imageId);
    return c != 0 ? c : Integer.compare(a.rangeIndex(), b.rangeIndex());
  }

  /**
   * Keys a decoded tile ({@link DecodeStage#OUTPUT}) and narrows it to a tile row
   * ({@link TileRows#TILE}).
   *
   * @param perImage whether routing is per image (every image's tiles together)
   * @param inTaskPixels, fairShare the rule of {@link ModelStage#assembledInTask}
   */
  static PairFunction<Row, TileKey, Row> keying(boolean perImage, int scale, long inTaskPixels,
      long fairShare) {
    return decoded -> {
      Row tile = RowFactory.create(RowValues.of(decoded, TileRows.TILE.size()));
      RasterHeader header = TileRows.header(tile.getStruct(TileRows.TILE_HEADER));
      boolean together = perImage || ModelStage.assembledInTask(header.width(), header.height(),
          tile.getInt(TILE_COUNT), scale, inTaskPixels, fairShare);
      return new Tuple2<>(new TileKey(tile.getString(0), tile.getInt(TILE_INDEX), together),
          tile);
    };
  }

  private int rangeIndex() {
    return together ? -1 : tileIndex;
  }

  /** A named class, not a lambda: Spark serializes it into the shuffle's dependency. */
  private static final class Order implements Comparator<TileKey>, Serializable {
    private static final long serialVersionUID = 1L;

    @Override public int compare(TileKey a, TileKey b) {
      int c = a.imageId.compareTo(b.imageId);
      return c != 0 ? c : Integer.compare(a.tileIndex, b.tileIndex);
    }
  }
}
