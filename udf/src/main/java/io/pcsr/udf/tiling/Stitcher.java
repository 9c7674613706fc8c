package io.pcsr.udf.tiling;

/**
 * Reassembles HR tiles into one planar image. Overlapping contributions (paper mode) are
 * averaged; in exact mode every pixel has exactly one. Works on any number of channels (0: only
 * the class map) and keeps a per-pixel heavy-share map alongside.
 *
 * <p>Where no pixel is covered twice (exact tiles), {@link #image()} and {@link #heavyShare()}
 * hand over the stitcher's own buffers instead of copies: a 4K image's tiled pass allocated and
 * touched about 500 MB for the copies and ran the per-pixel loops across all planes at once.
 */
public final class Stitcher {
  private final int channels;
  private final int height;
  private final int width;
  private final float[] sum;
  private final float[] heavy;
  private final int[] count;
  /** Whether some pixel has been covered more than once. */
  private boolean overlap;

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
    int tileWidth = at.width();
    // plane by plane, row by row: sequential runs the JIT vectorises
    for (int c = 0; c < channels; c++) {
      for (int y = 0; y < at.height(); y++) {
        int dst = c * plane + (at.y() + y) * width + at.x();
        int src = c * tilePlane + y * tileWidth;
        for (int x = 0; x < tileWidth; x++) {
          sum[dst + x] += values[src + x];
        }
      }
    }
    int seen = 0;
    for (int y = 0; y < at.height(); y++) {
      int dst = (at.y() + y) * width + at.x();
      int src = y * tileWidth;
      for (int x = 0; x < tileWidth; x++) {
        heavy[dst + x] += heavyFlags[src + x];
        seen |= count[dst + x];
        count[dst + x]++;
      }
    }
    overlap |= seen != 0;
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

  /**
   * The averaged image, planar. Without overlaps this is the stitcher's own buffer: call it
   * after the last {@link #add}.
   */
  public float[] image() {
    if (!overlap) {
      return sum; // every covered pixel has one contribution, uncovered ones are 0
    }
    int plane = height * width;
    float[] out = new float[sum.length];
    for (int c = 0; c < channels; c++) {
      int base = c * plane;
      for (int i = 0; i < plane; i++) {
        int n = count[i];
        out[base + i] = n <= 1 ? sum[base + i] : sum[base + i] / n;
      }
    }
    return out;
  }

  /** Mean heavy decision per pixel (without overlaps, the stitcher's own buffer). */
  public float[] heavyShare() {
    if (!overlap) {
      return heavy;
    }
    float[] out = new float[heavy.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = count[i] == 0 ? 0 : heavy[i] / count[i];
    }
    return out;
  }

  public int height() { return height; }
  public int width() { return width; }
}
