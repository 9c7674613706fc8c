package io.pcsr.job;

import io.pcsr.udf.image.RasterHeader;
import io.pcsr.udf.image.RasterReader;
import io.pcsr.udf.image.Samples;
import io.pcsr.udf.spark.HadoopConf;
import io.pcsr.udf.spark.HadoopImageInputStream;
import io.pcsr.udf.spark.TileRows;
import io.pcsr.udf.tiling.Box;
import java.awt.Rectangle;
import java.io.IOException;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Row;

/**
 * Fills in the pixels of tiles whose image was too large to decode in one task: each tile reads
 * only its input box from the source (TIFF readers fetch just the strips or tiles under it). A
 * tile that cannot be read is marked, not thrown: its image fails, the job goes on.
 */
public final class RegionDecoder implements MapFunction<Row, Row> {
  private static final long serialVersionUID = 1L;

  private final HadoopConf hadoop;

  public RegionDecoder(HadoopConf hadoop) {
    this.hadoop = hadoop;
  }

  @Override public Row call(Row tile) {
    if (!tile.isNullAt(9) || !tile.isNullAt(TileRows.TILE_ERROR)) {
      return tile;
    }
    String source = tile.getString(10);
    Box in = TileRows.box(tile.getStruct(6));
    RasterHeader expected = TileRows.headerOf(tile);
    try (HadoopImageInputStream stream = HadoopImageInputStream.open(source, hadoop)) {
      // a region is one tile's input box, so the whole-image pixel limit does not apply
      Samples region = RasterReader.decodeRegion(stream, tile.getString(0), stream.length(),
          Long.MAX_VALUE, new Rectangle(in.x(), in.y(), in.width(), in.height()), expected);
      return TileRows.withPixels(tile, region.toBytes());
    } catch (IOException | RuntimeException | OutOfMemoryError e) {
      return TileRows.withError(tile, "cannot decode region " + in + " of tile "
          + tile.getInt(3) + ": " + ErrorMessages.of(e));
    }
  }
}
