package io.pcsr.job;

import io.pcsr.udf.image.DecodedRaster;
import io.pcsr.udf.image.ImageFormat;
import io.pcsr.udf.image.RasterHeader;
import io.pcsr.udf.image.RasterReader;
import io.pcsr.udf.infer.BandRoles;
import io.pcsr.udf.spark.HadoopConf;
import io.pcsr.udf.spark.HadoopImageInputStream;
import io.pcsr.udf.spark.TileRows;
import io.pcsr.udf.tiling.Tile;
import io.pcsr.udf.tiling.TileGrid;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
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
    OUTPUT = t.add("error_source", DataTypes.StringType, true)
        .add("error_stage", DataTypes.StringType, true)
        .add("error_class", DataTypes.StringType, true)
        .add("error_message", DataTypes.StringType, true);
  }

  private static final int ERROR_MESSAGE = TileRows.TILE.size() + 3;

  private final HadoopConf hadoop;
  private final int tileSize;
  private final int halo;
  private final boolean paperMode;
  private final long maxPixels;
  private final long maxImagePixelsPerTask;
  private final int[] rgbBands;
  private final long regionDecodePixels;

  /**
   * @param maxImagePixelsPerTask LR pixels above which an image cannot be routed per image (its
   *     features would not fit one task); Long.MAX_VALUE when routing is per pixel
   * @param rgbBands 0-based bands of multi-band rasters fed to the model as R, G, B
   * @param regionDecodePixels TIFF inputs with more pixels are not decoded here: their tiles are
   *     decoded one region each, after the shuffle ({@link RegionDecoder})
   */
  public DecodeStage(HadoopConf hadoop, int tileSize, int halo, boolean paperMode, long maxPixels,
      long maxImagePixelsPerTask, int[] rgbBands, long regionDecodePixels) {
    this.maxImagePixelsPerTask = maxImagePixelsPerTask;
    this.hadoop = hadoop;
    this.tileSize = tileSize;
    this.halo = halo;
    this.paperMode = paperMode;
    this.maxPixels = maxPixels;
    this.rgbBands = rgbBands.clone();
    this.regionDecodePixels = regionDecodePixels;
  }

  @Override public Iterator<Row> call(Row image) {
    String source = image.getString(0);
    String rel = image.getString(1);
    String stage = "read";
    try (HadoopImageInputStream in = HadoopImageInputStream.open(source, hadoop)) {
      stage = "decode";
      // the header costs one row whatever the size; the pixel limit guards whole decodes only,
      // region-decoded TIFFs are never whole in memory
      RasterHeader header = RasterReader.header(in, rel, in.length(), Long.MAX_VALUE);
      stage = "limits";
      long lrPixels = (long) header.height() * header.width();
      if (lrPixels > maxImagePixelsPerTask) {
        throw new IllegalArgumentException(header.width() + "x" + header.height()
            + " LR pixels exceed " + PcsrConf.MAX_IMAGE_PIXELS_PER_TASK + "="
            + maxImagePixelsPerTask + ", the most an image routed per image (adaptive, "
            + "heavy-share, flops) may have; use k routing for it or raise the limit with "
            + "executor memory");
      }
      BandRoles roles = BandRoles.of(header.layout(), header.bands(), rgbBands);
      List<Tile> tiles = paperMode ? TileGrid.paper(header.height(), header.width())
          : TileGrid.exact(header.height(), header.width(), tileSize, halo);
      List<Row> out = new ArrayList<>(tiles.size());
      if (header.format() == ImageFormat.TIFF && lrPixels > regionDecodePixels) {
        // never whole in one task: each tile reads its own region after the shuffle
        for (Tile t : tiles) {
          out.add(widen(TileRows.deferredTile(rel, source, header, roles, t, tiles.size())));
        }
        return out.iterator();
      }
      stage = "decode";
      in.seek(0);
      DecodedRaster raster = RasterReader.decode(in, rel, in.length(), maxPixels, null);
      stage = "tile";
      for (Tile t : tiles) {
        out.add(widen(TileRows.tile(rel, source, raster, roles, t, tiles.size())));
      }
      return out.iterator();
    } catch (IOException | RuntimeException | OutOfMemoryError e) {
      return List.of(error(source, rel, stage, e)).iterator();
    }
  }

  /** Whether a row of {@link #OUTPUT} is a tile, not an image's decode error. */
  static boolean isTile(Row decoded) {
    return decoded.isNullAt(ERROR_MESSAGE);
  }

  private static Row widen(Row tile) {
    return RowFactory.create(RowValues.of(tile, OUTPUT.size()));
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
