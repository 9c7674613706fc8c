package io.pcsr.udf.infer;

import io.pcsr.udf.concurrent.HostLoops;

/**
 * For the LR pixels [p0, p1) of a region, the HR rows routed to the heavy upsampler: per row its
 * LR pixel within the chunk, its sub-pixel offset and its HR raster position. Built once per
 * chunk on the JVM side (cheap; in parallel pieces on a GPU) so that the native side does one
 * gather per input.
 * The light upsampler runs densely over the chunk and needs no index; nor does the heavy one
 * when every row of the chunk is heavy.
 */
final class ChunkRoutes {
  /** Rows of one path. */
  record Path(long[] lrIndex, long[] offsetIndex, int[] hrIndex) {
    int size() { return hrIndex.length; }
  }

  /** LR pixels per piece when a chunk is routed in parallel. */
  private static final int PIECE = 8192;
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
    return of(flags, p0, p1, regionWidth, scale, false);
  }

  /**
   * @param parallel count and fill pieces of the chunk on the common pool (on a GPU, where a
   *     chunk is a whole image: 7-9 ms on one core for a 2K image's 1.85 M HR pixels); the
   *     rows come out in the same order either way
   */
  static ChunkRoutes of(byte[] flags, int p0, int p1, int regionWidth, int scale,
      boolean parallel) {
    int total = (p1 - p0) * scale * scale;
    // Count first: a chunk that is all one class (the rule on a GPU, where a chunk is a whole
    // image) then allocates nothing, and a mixed one only arrays of its heavy rows (before, three
    // arrays of every row: 37 MB for a 2K image).
    int pieces = parallel ? (p1 - p0 + PIECE - 1) / PIECE : 1;
    int pieceSize = parallel ? PIECE : p1 - p0;
    int[] counts = new int[pieces + 1]; // counts[i + 1]: heavy rows of piece i, then offsets
    HostLoops.forEach(pieces, parallel, i -> {
      int from = p0 + i * pieceSize;
      counts[i + 1] = count(flags, from, Math.min(p1, from + pieceSize), regionWidth, scale);
    });
    for (int i = 0; i < pieces; i++) {
      counts[i + 1] += counts[i];
    }
    int n = counts[pieces];
    if (n == 0 || n == total) {
      return new ChunkRoutes(NONE, n, total);
    }
    int[] hr = new int[n];
    long[] lr = new long[n];
    long[] off = new long[n];
    HostLoops.forEach(pieces, parallel, i -> {
      int from = p0 + i * pieceSize;
      int to = Math.min(p1, from + pieceSize);
      int at = counts[i];
      int x = from % regionWidth;
      int corner = hrCorner(from, regionWidth, scale);
      for (int p = from; p < to; p++) {
        int rowStart = corner;
        for (int ty = 0; ty < scale; ty++, rowStart += regionWidth * scale) {
          for (int tx = 0; tx < scale; tx++) {
            int pixel = rowStart + tx;
            if (flags[pixel] != 0) {
              hr[at] = pixel;
              lr[at] = p - p0;
              off[at] = ty * scale + tx;
              at++;
            }
          }
        }
        corner = next(corner, ++x == regionWidth, regionWidth, scale);
        x = x == regionWidth ? 0 : x;
      }
    });
    return new ChunkRoutes(new Path(lr, off, hr), n, total);
  }

  /** Heavy HR rows of LR pixels [from, to). */
  private static int count(byte[] flags, int from, int to, int regionWidth, int scale) {
    int n = 0;
    int x = from % regionWidth;
    int corner = hrCorner(from, regionWidth, scale);
    for (int p = from; p < to; p++) {
      int rowStart = corner;
      for (int ty = 0; ty < scale; ty++, rowStart += regionWidth * scale) {
        for (int tx = 0; tx < scale; tx++) {
          n += flags[rowStart + tx] != 0 ? 1 : 0;
        }
      }
      corner = next(corner, ++x == regionWidth, regionWidth, scale);
      x = x == regionWidth ? 0 : x;
    }
    return n;
  }

  /**
   * The HR corner of the LR pixel after the one at {@code corner}: {@code scale} to the right,
   * or, past the end of an LR row ({@code wrapped}), the first of the next {@code scale} HR
   * rows. Kept as a running index: from the pixel index it took a division and a remainder per
   * LR pixel, in a loop over each chunk's flags twice.
   */
  private static int next(int corner, boolean wrapped, int regionWidth, int scale) {
    return wrapped ? corner - (regionWidth - 1) * scale + scale * regionWidth * scale
        : corner + scale;
  }

  /** HR raster index of LR pixel p's top-left sub-pixel. */
  private static int hrCorner(int p, int regionWidth, int scale) {
    return (p / regionWidth) * scale * regionWidth * scale + (p % regionWidth) * scale;
  }
}
