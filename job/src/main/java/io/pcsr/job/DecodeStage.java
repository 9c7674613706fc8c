package io.pcsr.job;

import io.pcsr.udf.image.FloatImage;
import io.pcsr.udf.image.ImageCodec;
import io.pcsr.udf.spark.HadoopConf;
import io.pcsr.udf.spark.TileRows;
import io.pcsr.udf.tiling.Tile;
import io.pcsr.udf.tiling.TileGrid;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Decode and tile, on executors: each listed image becomes its tile records, or one error row
 * when it cannot be read or decoded (the job goes on).
 */
public final class DecodeStage implements FlatMapFunction<Row, Row> {
  private static final long serialVersionUID = 1L;

  public static final StructType INPUT = new StructType()
      .add("source", DataTypes.StringType, false)
      .add("rel_path", DataTypes.StringType, false)
      .add("bytes", DataTypes.LongType, false);

  /** Tile columns (nullable) followed by error columns; exactly one of the two is set. */
  public static final StructType OUTPUT;

  static {
    StructType t = new StructType();
    for (StructField f : TileRows.TILE.fields()) {
      t = t.add(f.name(), f.dataType(), true);
    }
    OUTPUT = t.add("source", DataTypes.StringType, false)
        .add("error_stage", DataTypes.StringType, true)
        .add("error_class", DataTypes.StringType, true)
        .add("error_message", DataTypes.StringType, true);
  }

  private final HadoopConf hadoop;
  private final int tileSize;
  private final int halo;
  private final boolean paperMode;
  private final long maxPixels;
  private final long maxImagePixelsPerTask;

  /**
   * @param maxImagePixelsPerTask LR pixels above which an image cannot be routed per image (its
   *     features would not fit one task); Long.MAX_VALUE when routing is per pixel
   */
  public DecodeStage(HadoopConf hadoop, int tileSize, int halo, boolean paperMode, long maxPixels,
      long maxImagePixelsPerTask) {
    this.maxImagePixelsPerTask = maxImagePixelsPerTask;
    this.hadoop = hadoop;
    this.tileSize = tileSize;
    this.halo = halo;
    this.paperMode = paperMode;
    this.maxPixels = maxPixels;
  }

  @Override public Iterator<Row> call(Row image) {
    String source = image.getString(0);
    String rel = image.getString(1);
    String stage = "read";
    try {
      byte[] bytes = read(source);
      stage = "decode";
      FloatImage lr = ImageCodec.read(bytes, rel, maxPixels);
      stage = "limits";
      if ((long) lr.height() * lr.width() > maxImagePixelsPerTask) {
        throw new IllegalArgumentException(lr.width() + "x" + lr.height() + " LR pixels exceed "
            + PcsrConf.MAX_IMAGE_PIXELS_PER_TASK + "=" + maxImagePixelsPerTask + ", the most an "
            + "image routed per image (adaptive, heavy-share, flops) may have; use k routing for "
            + "it or raise the limit with executor memory");
      }
      stage = "tile";
      List<Tile> tiles = paperMode ? TileGrid.paper(lr.height(), lr.width())
          : TileGrid.exact(lr.height(), lr.width(), tileSize, halo);
      List<Row> out = new ArrayList<>(tiles.size());
      for (Tile t : tiles) {
        out.add(withSource(TileRows.tile(rel, lr, t, tiles.size()), source));
      }
      return out.iterator();
    } catch (IOException | RuntimeException | OutOfMemoryError e) {
      return List.of(error(source, rel, stage, e)).iterator();
    }
  }

  private byte[] read(String source) throws IOException {
    URI uri = URI.create(source);
    FileSystem fs = FileSystem.get(uri, hadoop.get());
    try (InputStream in = fs.open(new Path(uri))) {
      return in.readAllBytes();
    }
  }

  private static Row withSource(Row tile, String source) {
    Object[] v = new Object[OUTPUT.size()];
    for (int i = 0; i < tile.size(); i++) {
      v[i] = tile.get(i);
    }
    v[tile.size()] = source;
    return RowFactory.create(v);
  }

  static Row error(String source, String rel, String stage, Throwable e) {
    Object[] v = new Object[OUTPUT.size()];
    v[0] = rel;
    int n = TileRows.TILE.size();
    v[n] = source;
    v[n + 1] = stage;
    v[n + 2] = e.getClass().getName();
    v[n + 3] = ErrorMessages.of(e);
    return RowFactory.create(v);
  }
}
