package io.pcsr.udf.tiling;

/**
 * Reassembles HR tiles into one planar image. Overlapping contributions (paper mode) are
 * averaged; in exact mode every pixel has exactly one. Works on any number of channels (0: only
 * the class map) and keeps a per-pixel heavy-share map alongside.
 */
public final class Stitcher {
  private final int channels;
  private final int height;
  private final int width;
  private final float[] sum;
  private final float[] heavy;
  private final int[] count;

  public Stitcher(int channels, int height, int width) {
    this.channels = channels;
    this.height = height;
    this.width = width;
    long plane = (long) height * width;
    if (plane * channels > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(width + "x" + height + " is too large to stitch in memory");
    }
    this.sum = new float[(int) (plane * channels)];
    this.heavy = new float[(int) plane];
    this.count = new int[(int) plane];
  }

  /**
   * Adds a tile at HR box {@code at}: {@code values} planar channels x at.height x at.width,
   * {@code heavyFlags} one byte per pixel (0/1).
   */
  public void add(Box at, float[] values, byte[] heavyFlags) {
    int plane = height * width;
    int tilePlane = at.height() * at.width();
    for (int y = 0; y < at.height(); y++) {
      int dstRow = (at.y() + y) * width + at.x();
      int srcRow = y * at.width();
      for (int x = 0; x < at.width(); x++) {
        int d = dstRow + x;
        int s = srcRow + x;
        for (int c = 0; c < channels; c++) {
          sum[c * plane + d] += values[c * tilePlane + s];
        }
        heavy[d] += heavyFlags[s];
        count[d]++;
      }
    }
  }

  /** Pixels no tile covered (should be none). */
  public long uncovered() {
    long n = 0;
    for (int c : count) {
      if (c == 0) {
        n++;
      }
    }
    return n;
  }

  /** The averaged image, planar. */
  public float[] image() {
    int plane = height * width;
    float[] out = new float[sum.length];
    for (int i = 0; i < plane; i++) {
      int n = Math.max(1, count[i]);
      for (int c = 0; c < channels; c++) {
        out[c * plane + i] = count[i] == 1 ? sum[c * plane + i] : sum[c * plane + i] / n;
      }
    }
    return out;
  }

  /** Mean heavy decision per pixel. */
  public float[] heavyShare() {
    float[] out = new float[heavy.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = count[i] == 0 ? 0 : heavy[i] / count[i];
    }
    return out;
  }

  public int height() { return height; }
  public int width() { return width; }
}
