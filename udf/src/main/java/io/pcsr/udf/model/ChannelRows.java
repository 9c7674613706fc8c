package io.pcsr.udf.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Feature maps for {@link PlanarConv}: image by image, row by row, and within a row one run of
 * pixels per channel ((N, H, C, W) order). Around the pixels is a border of zeros: a row of
 * zeros above and below each image, and in each run one zero before the first pixel and, after
 * the last, enough to round the run up to 16 floats plus one. The border
 * is a 3x3 convolution's zero padding, so the kernel reads neighbours without bounds checks.
 *
 * <p>Why rows of channels rather than whole planes: the next output row of a 3x3 convolution
 * needs the next input row of every channel, and here that is one contiguous stretch of memory
 * that the hardware prefetcher follows, not 52 streams a plane apart.
 *
 * <p>Pixel (n, c, y, x) is at {@code ((n * (height + 2) + y + 1) * channels + c) * runLength +
 * x + 1}.
 *
 * <p>A ring ({@code slots} > 0) holds only the last {@code slots} rows written, row y in slot
 * y mod slots, for all images in turn, and one row of zeros that stands for every row outside
 * the image: for intermediate results read a few rows after they are written, which then stay
 * in the cache.
 */
record ChannelRows(float[] data, int images, int channels, int height, int width, int slots) {
  /**
   * Pixels a run is rounded up to: one AVX-512 vector, or the two AVX2 vectors that
   * {@link PlanarConv} computes at each step, so that with 8 lanes no step passes a run's end.
   */
  private static final int LANES = 16;
  /** Pixels per strip of {@link #fromNhwc}, {@link #toNhwc} and {@link #readStrip}. */
  static final int STRIP = 64;

  ChannelRows(int images, int channels, int height, int width) {
    this(new float[length(images, channels, height, width)], images, channels, height, width, 0);
  }

  /** A ring of {@code slots} rows (and the zero row) for images of this shape. */
  static ChannelRows ring(int slots, int images, int channels, int height, int width) {
    float[] data = new float[Math.multiplyExact((slots + 1) * channels, runLength(width))];
    return new ChannelRows(data, images, channels, height, width, slots);
  }

  /** Floats in rows of this shape, border included. */
  static int length(int images, int channels, int height, int width) {
    return Math.multiplyExact(Math.multiplyExact(images * (height + 2), channels),
        runLength(width));
  }

  /** Floats per channel run: one leading zero, the pixels rounded up to vectors, one zero. */
  static int runLength(int width) {
    return (width + LANES - 1) / LANES * LANES + 2;
  }

  int runLength() {
    return runLength(width);
  }

  /** Floats per padded row of all channels. */
  int rowLength() {
    return channels * runLength();
  }

  /** Index of pixel (n, c, y, 0), y from -1 (the zero row above) to height. */
  int at(int n, int c, int y) {
    if (slots > 0) {
      int slot = y < 0 || y >= height ? slots : y % slots;
      return (slot * channels + c) * runLength() + 1;
    }
    return ((n * (height + 2) + y + 1) * channels + c) * runLength() + 1;
  }

  /**
   * The rows of an (N, H, W, C) float32 CPU tensor, in an array from {@code pool}. Read through
   * libtorch's own memory, a strip of pixels at a time.
   */
  static ChannelRows fromNhwc(NDArray x, RowsPool pool) {
    Shape s = x.getShape();
    int n = Math.toIntExact(s.get(0));
    int h = Math.toIntExact(s.get(1));
    int w = Math.toIntExact(s.get(2));
    int c = Math.toIntExact(s.get(3));
    ChannelRows rows = pool.take(n, c, h, w);
    FloatBuffer src = floats(x);
    float[] strip = new float[STRIP * c];
    int run = rows.runLength();
    for (int i = 0; i < n; i++) {
      for (int y = 0; y < h; y++) {
        int from = (i * h + y) * w * c;
        int to = rows.at(i, 0, y);
        for (int x0 = 0; x0 < w; x0 += STRIP) {
          int count = Math.min(w, x0 + STRIP) - x0;
          readStrip(src, from + x0 * c, count, c, strip, rows.data, to + x0, run);
        }
      }
    }
    return rows;
  }

  /**
   * Pixels [from / channels, + count) of channels-last memory, channel ch's run written at
   * {@code at + ch * channelStride} of {@code dst}: a strip at a time, so that the strip's
   * values (13 KB at 52 channels and {@link #STRIP} pixels) stay in L1 while every channel is
   * written out of them.
   */
  static void readStrip(FloatBuffer src, int from, int count, int channels, float[] strip,
      float[] dst, int at, int channelStride) {
    src.get(from, strip, 0, count * channels);
    for (int ch = 0; ch < channels; ch++) {
      int to = at + ch * channelStride;
      for (int i = 0; i < count; i++) {
        dst[to + i] = strip[i * channels + ch];
      }
    }
  }

  /**
   * These rows as a new (N, H, W, C) float32 tensor of {@code manager}, written into libtorch's
   * memory a strip of pixels at a time: the strip's channels-last values (13 KB at 52 channels)
   * stay in L1 while every channel is written into them. Pixel by pixel over whole rows into a
   * Java array, then copied into a tensor, this took 22-35 ms for a 2K image's features.
   */
  NDArray toNhwc(NDManager manager) {
    int c = channels;
    NDArray out = manager.create(new Shape(images, height, width, c), DataType.FLOAT32);
    FloatBuffer dst = floats(out);
    float[] strip = new float[STRIP * c];
    int run = runLength();
    for (int i = 0; i < images; i++) {
      for (int y = 0; y < height; y++) {
        int to = (i * height + y) * width * c;
        int from = at(i, 0, y);
        for (int x0 = 0; x0 < width; x0 += STRIP) {
          int count = Math.min(width, x0 + STRIP) - x0;
          for (int ch = 0; ch < c; ch++) {
            int at = from + ch * run + x0;
            for (int xx = 0; xx < count; xx++) {
              strip[xx * c + ch] = data[at + xx];
            }
          }
          dst.put(to + x0 * c, strip, 0, count * c);
        }
      }
    }
    return out;
  }

  /** A contiguous CPU tensor's own memory (a copy, kept by its manager, otherwise). */
  static FloatBuffer floats(NDArray x) {
    return ((PtNDArray) x).toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer();
  }
}
