package io.pcsr.udf.image.tiff;

import io.pcsr.udf.image.ImageFormat;
import io.pcsr.udf.image.RasterHeader;
import io.pcsr.udf.tiling.Box;
import java.io.Serializable;

/**
 * Which outputs are streamed into a tiled TIFF, one job tile per TIFF tile, and that TIFF's
 * layout. The UDF (which then compresses its own tiles, in parallel) and the reduce stage (which
 * only appends them) decide with this one rule.
 *
 * @param tileSize the job's LR tile side (exact mode)
 * @param tiledTiffPixels outputs with more pixels are streamed, as BigTIFF, whatever their format
 */
public record TiffStreaming(int scale, int tileSize, boolean paperMode, long tiledTiffPixels)
    implements Serializable {

  /** Output tile side: the HR size of one job tile's core. */
  public int side() {
    return tileSize * scale;
  }

  /** Whether the output exceeds the tiled-TIFF threshold (it is then written as BigTIFF). */
  public boolean huge(RasterHeader source) {
    return (long) source.width() * scale * source.height() * scale > tiledTiffPixels;
  }

  /**
   * Exact tiles whose HR side TIFF accepts (a multiple of 16), for TIFF inputs and for every
   * output above the threshold. Paper mode averages overlapping patches, so it never streams.
   */
  public boolean streams(RasterHeader source) {
    return !paperMode && side() % 16 == 0
        && (huge(source) || source.format() == ImageFormat.TIFF);
  }

  public TiffLayout layout(RasterHeader source) {
    return UpscaledTiffLayout.of(source, scale, source.width() * scale,
        source.height() * scale, side(), huge(source));
  }

  /** The TIFF tile row of a job tile's LR core. */
  public int tileRow(Box core) {
    return core.y() / tileSize;
  }

  public int tileCol(Box core) {
    return core.x() / tileSize;
  }
}
