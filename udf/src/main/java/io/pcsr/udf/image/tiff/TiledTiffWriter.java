package io.pcsr.udf.image.tiff;

import io.pcsr.udf.image.SampleType;
import io.pcsr.udf.image.Samples;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Streams a tiled, little-endian TIFF or BigTIFF to a local file. Tiles are appended as they
 * arrive, in any order; {@link #close()} then writes the IFD after the last tile and points the
 * header at it. Only one tile is held in memory at a time, so the image never has to fit.
 *
 * <p>Tiles are planar {@link Samples} blocks cut at the image edge (the right column and bottom
 * row of tiles may be smaller); they are padded to the full tile size and interleaved
 * (PlanarConfiguration 1) on the way out. Not for concurrent use beyond the locking below:
 * calls are serialized, not parallelized.
 */
public final class TiledTiffWriter implements Closeable {
  private final Path file;
  private final TiffLayout layout;
  private final boolean bigTiff;
  private final FileChannel channel;
  private final TileEncoder encoder;
  private final long[] offsets;
  private final long[] byteCounts;
  private final BitSet written;
  private long end;
  private boolean closed;

  private TiledTiffWriter(Path file, TiffLayout layout) throws IOException {
    this.file = file;
    this.layout = layout;
    this.bigTiff = layout.isBigTiff();
    int tiles = layout.tileCount();
    this.offsets = new long[tiles];
    this.byteCounts = new long[tiles];
    this.written = new BitSet(tiles);
    this.encoder = new TileEncoder(layout);
    this.channel = FileChannel.open(file, StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
    try {
      ByteBuffer header = header(0);
      end = header.remaining();
      writeFully(header, 0);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /** Creates (or truncates) {@code file} and writes the TIFF header. */
  public static TiledTiffWriter open(Path file, TiffLayout layout) throws IOException {
    return new TiledTiffWriter(file, layout);
  }

  /** Writes a whole in-memory image, tile by tile. */
  public static void write(Path file, TiffLayout layout, Samples whole) throws IOException {
    if (whole.width() != layout.width() || whole.height() != layout.height()) {
      throw new IllegalArgumentException("image is " + whole.width() + "x" + whole.height()
          + ", layout says " + layout.width() + "x" + layout.height());
    }
    try (TiledTiffWriter writer = open(file, layout)) {
      for (int row = 0; row < layout.tilesDown(); row++) {
        for (int col = 0; col < layout.tilesAcross(); col++) {
          int y0 = row * layout.tileHeight();
          int x0 = col * layout.tileWidth();
          writer.writeTile(row, col, whole.crop(y0, x0,
              Math.min(layout.tileHeight(), layout.height() - y0),
              Math.min(layout.tileWidth(), layout.width() - x0)));
        }
      }
    }
  }

  public TiffLayout layout() { return layout; }

  /** Whether the file is BigTIFF (decided once, from the layout, before the first tile). */
  public boolean isBigTiff() { return bigTiff; }

  /**
   * Appends the tile at ({@code tileRow}, {@code tileCol}) of the tile grid. Its size must be
   * the tile size, cut at the image's right and bottom edges.
   */
  public synchronized void writeTile(int tileRow, int tileCol, Samples tile) throws IOException {
    checkOpen();
    int index = checkTile(tileRow, tileCol, tile);
    append(index, encoder.encode(tile));
  }

  /**
   * Appends a tile already encoded by {@link #encodeTile} for this layout, e.g. by the
   * executor that computed it, so that compression runs in parallel and only bytes travel.
   */
  public synchronized void writeEncodedTile(int tileRow, int tileCol, byte[] encoded)
      throws IOException {
    checkOpen();
    append(checkUnwritten(tileRow, tileCol), ByteBuffer.wrap(encoded));
  }

  /** The bytes {@link #writeTile} would append for this tile of this layout. */
  public static byte[] encodeTile(TiffLayout layout, int tileRow, int tileCol, Samples tile) {
    checkShape(layout, tileRow, tileCol, tile);
    TileEncoder encoder = new TileEncoder(layout);
    try {
      ByteBuffer b = encoder.encode(tile);
      byte[] out = new byte[b.remaining()];
      b.get(out);
      return out;
    } finally {
      encoder.release(); // the Deflater's native memory, now rather than at garbage collection
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("writer for " + file + " is closed");
    }
  }

  private void append(int index, ByteBuffer bytes) throws IOException {
    long length = bytes.remaining();
    if (!bigTiff && end + length > TiffLayout.CLASSIC_LIMIT) {
      throw new IOException(file + " would pass 4 GiB, beyond classic TIFF's 32-bit offsets;"
          + " write it with BigTiff.ALWAYS (or AUTO)");
    }
    writeFully(bytes, end);
    offsets[index] = end;
    byteCounts[index] = length;
    written.set(index);
    end += length;
  }


  /**
   * Writes the IFD and completes the file. Refuses, naming the first missing tiles, when any
   * tile was never written; the file is then left incomplete (no IFD) for the caller to remove.
   */
  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try (channel) {
      encoder.release();
      List<String> missing = missingTiles(5);
      if (!missing.isEmpty()) {
        int count = layout.tileCount() - written.cardinality();
        throw new IllegalStateException(count + " of " + layout.tileCount() + " tiles of "
            + file + " were never written, e.g. " + String.join(", ", missing));
      }
      long ifdAt = TiffDirectory.align(end);
      ByteBuffer ifd = new TiffDirectory(LayoutFields.of(layout, offsets, byteCounts, bigTiff),
          bigTiff).serialize(ifdAt);
      if (!bigTiff && ifdAt + ifd.remaining() > TiffLayout.CLASSIC_LIMIT) {
        throw new IOException(file + ": the IFD would end past 4 GiB; use BigTiff.ALWAYS");
      }
      writeFully(ifd, ifdAt);
      writeFully(header(ifdAt), 0);
    }
  }

  private int checkTile(int row, int col, Samples tile) {
    checkShape(layout, row, col, tile);
    return checkUnwritten(row, col);
  }

  private int checkUnwritten(int row, int col) {
    checkPosition(layout, row, col);
    int index = row * layout.tilesAcross() + col;
    if (written.get(index)) {
      throw new IllegalArgumentException("tile (row " + row + ", col " + col
          + ") was already written");
    }
    return index;
  }

  private static void checkPosition(TiffLayout layout, int row, int col) {
    if (row < 0 || col < 0 || row >= layout.tilesDown() || col >= layout.tilesAcross()) {
      throw new IllegalArgumentException("tile (row " + row + ", col " + col + ") is outside the "
          + layout.tilesDown() + "x" + layout.tilesAcross() + " tile grid (rows x cols)");
    }
  }

  private static void checkShape(TiffLayout layout, int row, int col, Samples tile) {
    checkPosition(layout, row, col);
    SampleType type = layout.sampleType();
    if (tile.type() != type || tile.bands() != layout.bands()) {
      throw new IllegalArgumentException("tile (row " + row + ", col " + col + ") is " + tile
          + ", the image has " + layout.bands() + " " + type.code() + " bands");
    }
    int h = Math.min(layout.tileHeight(), layout.height() - row * layout.tileHeight());
    int w = Math.min(layout.tileWidth(), layout.width() - col * layout.tileWidth());
    if (tile.height() != h || tile.width() != w) {
      throw new IllegalArgumentException("tile (row " + row + ", col " + col + ") must be " + h
          + " rows x " + w + " columns (the tile size cut at the image edge), got "
          + tile.height() + "x" + tile.width());
    }
  }


  private List<String> missingTiles(int limit) {
    List<String> names = new ArrayList<>();
    for (int i = written.nextClearBit(0); i < layout.tileCount() && names.size() < limit;
        i = written.nextClearBit(i + 1)) {
      names.add("(row " + i / layout.tilesAcross() + ", col " + i % layout.tilesAcross() + ")");
    }
    return names;
  }

  private ByteBuffer header(long firstIfd) {
    ByteBuffer h = ByteBuffer.allocate(bigTiff ? 16 : 8).order(ByteOrder.LITTLE_ENDIAN);
    h.put((byte) 'I').put((byte) 'I');
    if (bigTiff) {
      h.putShort((short) 43).putShort((short) 8).putShort((short) 0).putLong(firstIfd);
    } else {
      h.putShort((short) 42).putInt((int) firstIfd);
    }
    return h.flip();
  }

  private void writeFully(ByteBuffer bytes, long position) throws IOException {
    long at = position;
    while (bytes.hasRemaining()) {
      at += channel.write(bytes, at);
    }
  }
}
