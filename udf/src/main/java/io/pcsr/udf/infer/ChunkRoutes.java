package io.pcsr.udf.infer;

/**
 * For the LR pixels [p0, p1) of a region, which HR rows go to the light and which to the heavy
 * upsampler: per row its LR pixel within the chunk, its sub-pixel offset and its HR raster
 * position. Built once per chunk on the JVM side (cheap, sequential) so that the native side only
 * does two gathers per path.
 */
final class ChunkRoutes {
  /** Rows of one path. */
  record Path(long[] lrIndex, long[] offsetIndex, int[] hrIndex) {
    int size() { return hrIndex.length; }
  }

  private final Path light;
  private final Path heavy;

  private ChunkRoutes(Path light, Path heavy) {
    this.light = light;
    this.heavy = heavy;
  }

  Path light() { return light; }
  Path heavy() { return heavy; }
  int heavyCount() { return heavy.size(); }
  int size() { return heavy.size() + light.size(); }

  static ChunkRoutes of(byte[] flags, int p0, int p1, int regionWidth, int scale) {
    int hrWidth = regionWidth * scale;
    int total = (p1 - p0) * scale * scale;
    int heavyCount = 0;
    int[] hr = new int[total];
    long[] lr = new long[total];
    long[] off = new long[total];
    // fill heavy rows from the front and light rows from the back of one buffer
    int front = 0;
    int back = total - 1;
    for (int p = p0; p < p1; p++) {
      int baseY = (p / regionWidth) * scale;
      int baseX = (p % regionWidth) * scale;
      for (int ty = 0; ty < scale; ty++) {
        int rowStart = (baseY + ty) * hrWidth + baseX;
        for (int tx = 0; tx < scale; tx++) {
          int at = rowStart + tx;
          int slot = flags[at] != 0 ? front++ : back--;
          hr[slot] = at;
          lr[slot] = p - p0;
          off[slot] = ty * scale + tx;
        }
      }
    }
    heavyCount = front;
    Path heavy = new Path(java.util.Arrays.copyOfRange(lr, 0, heavyCount),
        java.util.Arrays.copyOfRange(off, 0, heavyCount), java.util.Arrays.copyOfRange(hr, 0, heavyCount));
    Path light = new Path(java.util.Arrays.copyOfRange(lr, heavyCount, total),
        java.util.Arrays.copyOfRange(off, heavyCount, total), java.util.Arrays.copyOfRange(hr, heavyCount, total));
    return new ChunkRoutes(light, heavy);
  }
}
