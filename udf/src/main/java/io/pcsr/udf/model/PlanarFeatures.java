package io.pcsr.udf.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.nio.FloatBuffer;

/**
 * A region's LR features on the host, channel by channel: channel c of region pixel p (raster
 * order over the region) at {@code data[c * stride + p]}. This is the layout the engine's host
 * MLP kernels read: a run of neighbouring pixels of one channel fills a vector, so an MLP's
 * first-layer projection is a product over whole vectors with no transpose.
 *
 * <p>Each channel is followed by at least {@link #SLACK} spare floats, so that a kernel may read
 * whole groups of lanes past a region's last pixel (it drops what they compute).
 */
public record PlanarFeatures(float[] data, int channels, int pixels, int stride) {
  /** Floats a kernel may read past a channel's last pixel: a lane span of 4 x 16 floats. */
  public static final int SLACK = 64;

  /** Zeroed features of this shape (zeros in the slack too). */
  static PlanarFeatures empty(int channels, int pixels) {
    int stride = Math.addExact((pixels + SLACK - 1) / SLACK * SLACK, SLACK);
    return new PlanarFeatures(new float[Math.multiplyExact(channels, stride)], channels, pixels,
        stride);
  }

  /**
   * The rectangle (y0, x0, h, w) of channels-last float32 CPU features, (1, H, W, C) or (H * W,
   * C) with {@code width} = W, read through libtorch's memory a strip of pixels at a time
   * ({@link ChannelRows#readStrip}).
   */
  public static PlanarFeatures fromChannelsLast(NDArray features, int width, int y0, int x0,
      int h, int w) {
    Shape s = features.getShape();
    int c = Math.toIntExact(s.get(s.dimension() - 1));
    PlanarFeatures out = empty(c, h * w);
    FloatBuffer src = ChannelRows.floats(features);
    float[] strip = new float[ChannelRows.STRIP * c];
    for (int y = 0; y < h; y++) {
      int from = ((y0 + y) * width + x0) * c;
      for (int xs = 0; xs < w; xs += ChannelRows.STRIP) {
        int count = Math.min(w, xs + ChannelRows.STRIP) - xs;
        ChannelRows.readStrip(src, from + xs * c, count, c, strip, out.data, y * w + xs,
            out.stride);
      }
    }
    return out;
  }

  /** The rectangle (y0, x0, h, w) of image 0 of the host backbone's rows. */
  static PlanarFeatures fromChannelRows(ChannelRows rows, int y0, int x0, int h, int w) {
    PlanarFeatures out = empty(rows.channels(), h * w);
    // row by row: a row's channels lie one after the other in the rows' memory
    for (int y = 0; y < h; y++) {
      for (int c = 0; c < rows.channels(); c++) {
        System.arraycopy(rows.data(), rows.at(0, c, y0 + y) + x0, out.data,
            c * out.stride + y * w, w);
      }
    }
    return out;
  }
}
