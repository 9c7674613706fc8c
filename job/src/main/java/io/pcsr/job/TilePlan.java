package io.pcsr.job;

import static org.apache.spark.sql.functions.col;

import io.pcsr.udf.spark.TileRows;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * What the driver learns from the decoded tiles before the model stage, in one job over them:
 * each image's size and tile count (from its first tile) and each decode error. From these come
 * a partition's fair share of the tiles, and whether any image is too large to be assembled in
 * its model task ({@link ModelStage#assembledInTask}); when none is, the job leaves out the
 * shuffle by image that such images need.
 *
 * <p>One row per image reaches the driver, as the images table's rows do at the end of a run.
 */
record TilePlan(long tiles, long fairShare, int assembledAfterShuffle, List<Row> decodeErrors) {

  /** The rows the plan needs: the first tile of each image, and every decode error. */
  static Dataset<Row> rows(Dataset<Row> decoded) {
    return decoded.filter(col("error_message").isNotNull().or(col("tile_index").equalTo(0)))
        .select(col("error_message").isNotNull().as("failed"), col("error_source"),
            col("error_stage"), col("error_class"), col("error_message"),
            col(TileRows.HEADER + ".width").as("width"),
            col(TileRows.HEADER + ".height").as("height"), col("tile_count"));
  }

  /**
   * The plan of a run from {@link #rows}.
   *
   * @param partitions the model stage's partitions
   * @param inTaskPixels the in-task assembly limit on output pixels
   */
  static TilePlan of(List<Row> rows, String runId, int partitions, int scale, long inTaskPixels) {
    List<Row> errors = new ArrayList<>();
    List<int[]> images = new ArrayList<>();
    long tiles = 0;
    for (Row r : rows) {
      if (r.getBoolean(0)) {
        errors.add(RowFactory.create(runId, r.getString(1), r.getString(2), r.getString(3),
            r.getString(4)));
      } else {
        int[] image = {r.getInt(5), r.getInt(6), r.getInt(7)};
        images.add(image);
        tiles += image[2];
      }
    }
    long fairShare = Math.max(1, tiles / partitions);
    int afterShuffle = 0;
    for (int[] im : images) {
      if (!ModelStage.assembledInTask(im[0], im[1], im[2], scale, inTaskPixels, fairShare)) {
        afterShuffle++;
      }
    }
    return new TilePlan(tiles, fairShare, afterShuffle, errors);
  }

  /** An image as {@link #rows} gives it (its first tile). */
  static Row imageRow(int width, int height, int tileCount) {
    return RowFactory.create(false, null, null, null, null, width, height, tileCount);
  }

  /** A decode error as {@link #rows} gives it. */
  static Row errorRow(String source, String stage, String errorClass, String message) {
    return RowFactory.create(true, source, stage, errorClass, message, null, null, null);
  }
}
