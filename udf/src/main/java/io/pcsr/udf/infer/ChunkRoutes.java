package io.pcsr.udf.infer;


/**
 * For the LR pixels [p0, p1) of a region, the HR rows routed to the heavy upsampler: per row its
 * LR pixel within the chunk, its sub-pixel offset and its HR raster position. Built once per
 * chunk on the JVM side (cheap, sequential) so that the native side does one gather per input.
 * The light upsampler runs densely over the chunk and needs no index; nor does the heavy one
 * when every row of the chunk is heavy.
 */
final class ChunkRoutes {
  /** Rows of one path. */
  record Path(long[] lrIndex, long[] offsetIndex, int[] hrIndex) {
    int size() { return hrIndex.length; }
  }

  private static final Path NONE = new Path(new long[0], new long[0], new int[0]);
  private final Path heavy;
  private final int heavyCount;
  private final int size;

  private ChunkRoutes(Path heavy, int heavyCount, int size) {
    this.heavy = heavy;
    this.heavyCount = heavyCount;
    this.size = size;
  }

  /**
   * The heavy rows; empty when none or all of the chunk's rows are heavy (the engine needs no
   * index then).
   */
  Path heavy() { return heavy; }
  int heavyCount() { return heavyCount; }
  boolean allHeavy() { return heavyCount == size; }
  /** All HR rows of the chunk. */
  int size() { return size; }

  static ChunkRoutes of(byte[] flags, int p0, int p1, int regionWidth, int scale) {
    int total = (p1 - p0) * scale * scale;
    // Count first: a chunk that is all one class (the rule on a GPU, where a chunk is a whole
    // image) then allocates nothing, and a mixed one only arrays of its heavy rows (before, three
    // arrays of every row: 37 MB for a 2K image).
    int n = 0;
    for (int p = p0; p < p1; p++) {
      int rowStart = hrCorner(p, regionWidth, scale);
      for (int ty = 0; ty < scale; ty++, rowStart += regionWidth * scale) {
        for (int tx = 0; tx < scale; tx++) {
          n += flags[rowStart + tx] != 0 ? 1 : 0;
        }
      }
    }
    if (n == 0 || n == total) {
      return new ChunkRoutes(NONE, n, total);
    }
    int[] hr = new int[n];
    long[] lr = new long[n];
    long[] off = new long[n];
    int i = 0;
    for (int p = p0; p < p1; p++) {
      int rowStart = hrCorner(p, regionWidth, scale);
      for (int ty = 0; ty < scale; ty++, rowStart += regionWidth * scale) {
        for (int tx = 0; tx < scale; tx++) {
          int at = rowStart + tx;
          if (flags[at] != 0) {
            hr[i] = at;
            lr[i] = p - p0;
            off[i] = ty * scale + tx;
            i++;
          }
        }
      }
    }
    return new ChunkRoutes(new Path(lr, off, hr), n, total);
  }

  /** HR raster index of LR pixel p's top-left sub-pixel. */
  private static int hrCorner(int p, int regionWidth, int scale) {
    return (p / regionWidth) * scale * regionWidth * scale + (p % regionWidth) * scale;
  }
}
