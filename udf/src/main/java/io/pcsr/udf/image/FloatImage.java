package io.pcsr.udf.image;

import java.util.Objects;

/**
 * A planar (channel, row, column) float image. Values are in [0,1] for decoded images; model
 * outputs may leave that range until they are quantised.
 */
public final class FloatImage {
  private final int channels;
  private final int height;
  private final int width;
  private final float[] data;

  public FloatImage(int channels, int height, int width, float[] data) {
    if (channels <= 0 || height <= 0 || width <= 0) {
      throw new IllegalArgumentException(
          "image dimensions must be positive: " + channels + "x" + height + "x" + width);
    }
    Objects.requireNonNull(data, "data");
    if ((long) channels * height * width != data.length) {
      throw new IllegalArgumentException("data length " + data.length + " != " + channels + "x"
          + height + "x" + width);
    }
    this.channels = channels;
    this.height = height;
    this.width = width;
    this.data = data;
  }

  public static FloatImage zeros(int channels, int height, int width) {
    return new FloatImage(channels, height, width, new float[channels * height * width]);
  }

  public int channels() { return channels; }
  public int height() { return height; }
  public int width() { return width; }
  /** The backing array, planar CHW; shared, not copied. */
  public float[] data() { return data; }

  public float get(int c, int y, int x) { return data[(c * height + y) * width + x]; }

  public void set(int c, int y, int x, float v) { data[(c * height + y) * width + x] = v; }

  /** A copy of the rectangle [y0, y0+h) x [x0, x0+w), all channels. */
  public FloatImage crop(int y0, int x0, int h, int w) {
    if (y0 < 0 || x0 < 0 || y0 + h > height || x0 + w > width) {
      throw new IllegalArgumentException("crop " + y0 + "," + x0 + " " + h + "x" + w
          + " outside " + height + "x" + width);
    }
    float[] out = new float[channels * h * w];
    for (int c = 0; c < channels; c++) {
      for (int y = 0; y < h; y++) {
        System.arraycopy(data, (c * height + y0 + y) * width + x0, out, (c * h + y) * w, w);
      }
    }
    return new FloatImage(channels, h, w, out);
  }

  /** Builds a planar image from interleaved height x width x channels data (numpy's HWC). */
  public static FloatImage fromHwc(float[] hwc, int height, int width, int channels) {
    if ((long) height * width * channels != hwc.length) {
      throw new IllegalArgumentException("HWC data length " + hwc.length + " != " + height + "x"
          + width + "x" + channels);
    }
    float[] chw = new float[hwc.length];
    int plane = height * width;
    for (int p = 0; p < plane; p++) {
      for (int c = 0; c < channels; c++) {
        chw[c * plane + p] = hwc[p * channels + c];
      }
    }
    return new FloatImage(channels, height, width, chw);
  }

  /** The pixels interleaved as height x width x channels (numpy's HWC), a fresh array. */
  public float[] toHwc() {
    float[] hwc = new float[data.length];
    int plane = height * width;
    for (int c = 0; c < channels; c++) {
      for (int p = 0; p < plane; p++) {
        hwc[p * channels + c] = data[c * plane + p];
      }
    }
    return hwc;
  }

  @Override public String toString() {
    return "FloatImage[" + channels + "x" + height + "x" + width + "]";
  }
}
