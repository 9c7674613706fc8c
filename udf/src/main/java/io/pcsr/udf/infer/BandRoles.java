package io.pcsr.udf.infer;

import io.pcsr.udf.image.FloatImage;
import io.pcsr.udf.image.MatlabBicubic;
import io.pcsr.udf.image.RasterLayout;
import io.pcsr.udf.image.SampleType;
import io.pcsr.udf.image.Samples;
import io.pcsr.udf.tiling.Box;
import io.pcsr.udf.tiling.Tile;
import java.util.Arrays;

/**
 * How a raster's bands pass through the RGB model, and back:
 * <ul>
 *   <li>three model bands feed the model's R, G and B inputs (gray: the one band three times;
 *       RGB and RGBA: bands 1-3; multi-band: the bands chosen by configuration);</li>
 *   <li>each output band that fed the model takes the mean of the model outputs it fed (gray:
 *       the mean of R, G and B; otherwise exactly its channel);</li>
 *   <li>every other band (alpha, extra spectral bands) is upscaled by bicubic interpolation
 *       (MATLAB imresize semantics) at the same scale, from the same tile input, so tiles join
 *       without seams.</li>
 * </ul>
 * Samples are normalised per their type ({@link SampleType#normalize}) on the way in and
 * quantised once, at the source type, on the way out.
 */
public final class BandRoles implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  private final int bands;
  private final int[] modelBands;

  private BandRoles(int bands, int[] modelBands) {
    this.bands = bands;
    this.modelBands = modelBands;
  }

  /**
   * @param rgbBands 0-based bands to use as R, G, B for multi-band rasters; ignored otherwise
   */
  public static BandRoles of(RasterLayout layout, int bands, int[] rgbBands) {
    switch (layout) {
      case GRAY:
      case GRAY_ALPHA:
        return new BandRoles(bands, new int[] {0, 0, 0});
      case RGB:
      case RGBA:
        return new BandRoles(bands, new int[] {0, 1, 2});
      default:
        if (rgbBands.length != 3) {
          throw new IllegalArgumentException("three bands must be chosen as R, G, B, got "
              + Arrays.toString(rgbBands));
        }
        for (int b : rgbBands) {
          if (b < 0 || b >= bands) {
            throw new IllegalArgumentException("band " + (b + 1) + " chosen as R/G/B does not"
                + " exist: the raster has " + bands + " bands (bands are counted from 1)");
          }
        }
        return new BandRoles(bands, rgbBands.clone());
    }
  }

  public int bands() { return bands; }

  /** The bands fed to the model's R, G, B inputs (0-based; gray repeats band 0). */
  public int[] modelBands() { return modelBands.clone(); }

  /** The model's input: 3 planes in [0,1] from the model bands of {@code in}. */
  public FloatImage modelInput(Samples in) {
    int plane = in.height() * in.width();
    float[] v = new float[3 * plane];
    for (int c = 0; c < 3; c++) {
      System.arraycopy(in.normalizedBand(modelBands[c]), 0, v, c * plane, plane);
    }
    return new FloatImage(3, in.height(), in.width(), v);
  }

  /**
   * All output bands of the tile's HR core in [0,1] space (unclamped), planar.
   *
   * @param in the tile's LR input box, all bands
   * @param rgbCore the model's planar RGB output over the HR core
   */
  public float[] output(Samples in, Tile tile, int scale, float[] rgbCore) {
    Box core = tile.core();
    Box input = tile.input();
    int h = core.height() * scale;
    int w = core.width() * scale;
    int plane = h * w;
    if (rgbCore.length != 3 * plane) {
      throw new IllegalArgumentException("model output has " + rgbCore.length + " values, the "
          + h + "x" + w + " core needs " + 3 * plane);
    }
    float[] out = new float[bands * plane];
    for (int b = 0; b < bands; b++) {
      int fed = 0;
      for (int c = 0; c < 3; c++) {
        if (modelBands[c] == b) {
          for (int i = 0; i < plane; i++) {
            out[b * plane + i] += rgbCore[c * plane + i];
          }
          fed++;
        }
      }
      if (fed > 1) {
        for (int i = 0; i < plane; i++) {
          out[b * plane + i] /= fed;
        }
      } else if (fed == 0) {
        FloatImage band = new FloatImage(1, in.height(), in.width(), in.normalizedBand(b));
        FloatImage interpolated = MatlabBicubic.resize(band, in.height() * scale,
            in.width() * scale)
            .crop((core.y() - input.y()) * scale, (core.x() - input.x()) * scale, h, w);
        System.arraycopy(interpolated.data(), 0, out, b * plane, plane);
      }
    }
    return out;
  }

  /** Quantises normalised output bands to the source type, once. */
  public static Samples quantize(float[] normalized, SampleType type, int bands, int height,
      int width) {
    Samples out = Samples.allocate(type, bands, height, width);
    if (type == SampleType.UINT8) {
      // the common case, once per output sample of every tile: no per-sample type switches
      byte[] bytes = (byte[]) out.data();
      for (int i = 0; i < normalized.length; i++) {
        bytes[i] = (byte) io.pcsr.udf.image.Quantizer.toUint8(normalized[i]);
      }
      return out;
    }
    for (int i = 0; i < normalized.length; i++) {
      out.setFlat(i, type.quantize(normalized[i]));
    }
    return out;
  }
}
