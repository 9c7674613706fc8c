package io.pcsr.udf.image.tiff;

import io.pcsr.udf.image.Samples;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.Deflater;

/**
 * Turns one planar tile into the bytes a TIFF tile holds: padded to the full tile size,
 * interleaved (PlanarConfiguration 1), little-endian, optionally deflated. Buffers are reused
 * from tile to tile, so a writer holds one tile's worth of memory however large the image.
 */
final class TileEncoder {
  private final TiffLayout layout;
  private final byte[] raw;
  private final Deflater deflater;
  private byte[] packed;

  TileEncoder(TiffLayout layout) {
    this.layout = layout;
    this.raw = new byte[layout.tileBytes()];
    if (layout.compression() == TiffLayout.Compression.DEFLATE) {
      // Fastest level: output is written once and copied away; size matters less than time.
      this.deflater = new Deflater(Deflater.BEST_SPEED);
      this.packed = new byte[raw.length + raw.length / 1000 + 64];
    } else {
      this.deflater = null;
    }
  }

  /** The encoded tile; a view of an internal buffer, valid until the next call. */
  ByteBuffer encode(Samples tile) {
    boolean partial = tile.width() != layout.tileWidth() || tile.height() != layout.tileHeight();
    if (partial) {
      Arrays.fill(raw, (byte) 0); // TIFF wants full tiles; the padding's value is ours to pick
    }
    interleave(tile);
    return deflater == null ? ByteBuffer.wrap(raw) : deflate();
  }

  void release() {
    if (deflater != null) {
      deflater.end();
    }
  }

  private void interleave(Samples tile) {
    int bands = tile.bands();
    int h = tile.height();
    int w = tile.width();
    int plane = h * w;
    int bytes = tile.type().bytes();
    int rowStride = layout.tileWidth() * bands * bytes;
    for (int b = 0; b < bands; b++) {
      for (int y = 0; y < h; y++) {
        int src = b * plane + y * w;
        int dst = y * rowStride + b * bytes;
        int step = bands * bytes;
        switch (tile.type()) {
          case UINT8 -> {
            byte[] d = (byte[]) tile.data();
            for (int x = 0; x < w; x++, dst += step) {
              raw[dst] = d[src + x];
            }
          }
          case UINT16, INT16 -> {
            short[] d = (short[]) tile.data();
            for (int x = 0; x < w; x++, dst += step) {
              short v = d[src + x];
              raw[dst] = (byte) v;
              raw[dst + 1] = (byte) (v >> 8);
            }
          }
          case FLOAT32 -> {
            float[] d = (float[]) tile.data();
            for (int x = 0; x < w; x++, dst += step) {
              int v = Float.floatToRawIntBits(d[src + x]);
              raw[dst] = (byte) v;
              raw[dst + 1] = (byte) (v >> 8);
              raw[dst + 2] = (byte) (v >> 16);
              raw[dst + 3] = (byte) (v >> 24);
            }
          }
        }
      }
    }
  }

  private ByteBuffer deflate() {
    deflater.reset();
    deflater.setInput(raw);
    deflater.finish();
    int length = 0;
    while (!deflater.finished()) {
      if (length == packed.length) {
        packed = Arrays.copyOf(packed, packed.length * 2);
      }
      length += deflater.deflate(packed, length, packed.length - length);
    }
    return ByteBuffer.wrap(packed, 0, length);
  }
}
