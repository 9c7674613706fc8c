package io.pcsr.job;

import io.pcsr.udf.image.RasterHeader;
import io.pcsr.udf.spark.TileRows;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * What the driver learns from the decoded tiles before the model stage, in one job over them:
 * each image's size and tile count (from its first tile) and each decode error. From these come
 * a partition's fair share of the tiles, the ranges that balance the tiles over the model
 * stage's partitions, and whether any image is too large to be assembled in its model task
 * ({@link ModelStage#assembledInTask}); when none is, the job leaves out the shuffle by image
 * that such images need.
 *
 * <p>One row per image reaches the driver, as the images table's rows do at the end of a run.
 */
record TilePlan(long tiles, long fairShare, int assembledAfterShuffle, List<Row> decodeErrors,
    TileRanges ranges) {

  private static final int TILE_INDEX = TileRows.TILE.fieldIndex("tile_index");
  private static final int TILE_COUNT = TileRows.TILE.fieldIndex("tile_count");

  /** The rows the plan needs: the first tile of each image, and every decode error. */
  static JavaRDD<Row> rows(JavaRDD<Row> decoded) {
    return decoded.filter(r -> !DecodeStage.isTile(r) || r.getInt(TILE_INDEX) == 0)
        .map(TilePlan::row);
  }

  private static Row row(Row decoded) {
    int e = TileRows.TILE.size();
    if (!DecodeStage.isTile(decoded)) {
      return errorRow(decoded.getString(e), decoded.getString(e + 1), decoded.getString(e + 2),
          decoded.getString(e + 3));
    }
    RasterHeader header = TileRows.header(decoded.getStruct(TileRows.TILE_HEADER));
    return imageRow(decoded.getString(0), header.width(), header.height(),
        decoded.getInt(TILE_COUNT));
  }

  /**
   * The plan of a run from {@link #rows}.
   *
   * @param partitions the model stage's partitions
   * @param inTaskPixels the in-task assembly limit on output pixels
   * @param perImage whether routing is per image (all of an image's tiles in one task)
   */
  static TilePlan of(List<Row> rows, String runId, int partitions, int scale, long inTaskPixels,
      boolean perImage) {
    List<Row> errors = new ArrayList<>();
    List<Row> images = new ArrayList<>();
    long tiles = 0;
    for (Row r : rows) {
      if (r.getBoolean(0)) {
        errors.add(RowFactory.create(runId, r.getString(1), r.getString(2), r.getString(3),
            r.getString(4)));
      } else {
        images.add(r);
        tiles += r.getInt(7);
      }
    }
    long fairShare = Math.max(1, tiles / partitions);
    int afterShuffle = 0;
    List<TileRanges.Image> units = new ArrayList<>();
    for (Row im : images) {
      boolean inTask = ModelStage.assembledInTask(im.getInt(5), im.getInt(6), im.getInt(7),
          scale, inTaskPixels, fairShare);
      if (!inTask) {
        afterShuffle++;
      }
      units.add(new TileRanges.Image(im.getString(8), im.getInt(7), inTask || perImage));
    }
    return new TilePlan(tiles, fairShare, afterShuffle, errors,
        TileRanges.of(units, partitions));
  }

  /** An image as {@link #rows} gives it (its first tile). */
  static Row imageRow(String imageId, int width, int height, int tileCount) {
    return RowFactory.create(false, null, null, null, null, width, height, tileCount, imageId);
  }

  /** A decode error as {@link #rows} gives it. */
  static Row errorRow(String source, String stage, String errorClass, String message) {
    return RowFactory.create(true, source, stage, errorClass, message, null, null, null, null);
  }
}
