package io.pcsr.udf.image;

import ar.com.hjg.pngj.FilterType;
import ar.com.hjg.pngj.ImageInfo;
import ar.com.hjg.pngj.ImageLineInt;
import ar.com.hjg.pngj.PngWriter;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayOutputStream;
import java.util.zip.Deflater;

/**
 * PNG files through PNGJ, row by row: 8 or 16 bits, gray, gray + alpha, RGB or RGBA.
 *
 * <p>Why not the JDK's ImageIO writer: on a 2560x1440 photo it took 359-418 ms and wrote 8.2 MB
 * at deflate levels 1-2; PNGJ at level 1 with its fast adaptive filter choice took 198 ms and
 * wrote 5.6 MB (same lossless samples). The reduce stage encodes every output image, so both
 * the time and the size are paid per image.
 *
 * <p>Each image is deflated one of two ways, whichever writes fewer bytes for a probe of its
 * rows: level 1 with the fast adaptive filter choice, or Huffman coding only (no LZ77 matches)
 * after the average filter. On a super-resolved photo (2560x1440, fourteenth stop) the second
 * took 88 ms against 144 and wrote 3.35 MB against 3.86: the filtered samples of a photo are
 * noise to LZ77, whose matches then only cost time. On flat content (the same photo's samples
 * cut to 2 bits) the first wrote 0.47 MB against 1.48, faster.
 */
public final class PngEncoder {
  /** Level 1 wrote 1 % more bytes than level 2 in two thirds of the time (same photo). */
  public static final int DEFLATE_LEVEL = 1;
  /** Images of fewer pixels are written at level 1 without a probe: they cost little. */
  static final long PROBE_MIN_PIXELS = 1L << 18;
  /** The probe: this many bands of {@link #PROBE_BAND_ROWS} rows, spread over the image. */
  private static final int PROBE_BANDS = 4;
  private static final int PROBE_BAND_ROWS = 8;

  private PngEncoder() {}

  /** An image's rows, interleaved in band order as PNG stores them. */
  @FunctionalInterface
  interface Rows {
    void read(int y, int[] row);
  }

  /** The two ways of deflating an image's filtered rows. */
  enum Deflate {
    /** Level 1 LZ77 and Huffman, with PNGJ's fast adaptive filter choice per row. */
    LZ77_LEVEL_1,
    /** Huffman coding only, after the average filter. */
    HUFFMAN_ONLY
  }

  /** Typed planar samples (u8 or u16) in a PNG layout (gray, gray + alpha, RGB, RGBA). */
  public static byte[] encode(Samples samples, RasterLayout layout) {
    if (samples.type() != SampleType.UINT8 && samples.type() != SampleType.UINT16) {
      throw new IllegalArgumentException("PNG holds 8- or 16-bit unsigned samples, not "
          + samples.type().code());
    }
    int bands = samples.bands();
    int bits = samples.type() == SampleType.UINT8 ? 8 : 16;
    boolean gray = layout == RasterLayout.GRAY || layout == RasterLayout.GRAY_ALPHA;
    checkBands(bands, gray, layout.hasAlpha());
    int w = samples.width();
    int h = samples.height();
    int plane = w * h;
    // typed reads, the type tested once per row: a per-sample getFlat (a switch on the type
    // each time) took a third of the reduce stage's encoding time
    byte[] bytes = bits == 8 ? (byte[]) samples.data() : null;
    short[] shorts = bits == 16 ? (short[]) samples.data() : null;
    Rows rows = (y, row) -> {
      for (int b = 0; b < bands; b++) {
        int from = b * plane + y * w;
        if (bytes != null) {
          for (int x = 0; x < w; x++) {
            row[x * bands + b] = bytes[from + x] & 0xff;
          }
        } else {
          for (int x = 0; x < w; x++) {
            row[x * bands + b] = shorts[from + x] & 0xffff;
          }
        }
      }
    };
    return write(new ImageInfo(w, h, bits, layout.hasAlpha(), gray, false), rows);
  }

  /**
   * A component-model image with 8- or 16-bit samples (what this project's images are), or
   * null when the image is of another kind (palette, packed pixels) and needs ImageIO.
   */
  static byte[] encodeOrNull(BufferedImage image) {
    if (!(image.getColorModel() instanceof ComponentColorModel)) {
      return null;
    }
    Raster r = image.getRaster();
    int bands = r.getNumBands();
    int bits = r.getSampleModel().getSampleSize(0);
    boolean alpha = image.getColorModel().hasAlpha();
    boolean gray = bands - (alpha ? 1 : 0) == 1;
    if ((bits != 8 && bits != 16) || bands > 4 || (!gray && bands - (alpha ? 1 : 0) != 3)) {
      return null;
    }
    int w = image.getWidth();
    ImageInfo info = new ImageInfo(w, image.getHeight(), bits, alpha, gray, false);
    // interleaved in band order (R, G, B[, A]) as PNG wants
    return write(info, (y, row) -> r.getPixels(0, y, w, 1, row));
  }

  private static byte[] write(ImageInfo info, Rows rows) {
    return writeRows(info, rows, choose(info, rows)).toByteArray();
  }

  /**
   * The way that writes fewer bytes for a probe of the image's rows (bands spread over it,
   * about 2 % of a 1440-row image), or level 1 for a small image.
   */
  static Deflate choose(ImageInfo info, Rows rows) {
    if ((long) info.rows * info.cols < PROBE_MIN_PIXELS
        || info.rows < 2 * PROBE_BANDS * PROBE_BAND_ROWS) {
      return Deflate.LZ77_LEVEL_1;
    }
    ImageInfo probe = new ImageInfo(info.cols, PROBE_BANDS * PROBE_BAND_ROWS, info.bitDepth,
        info.alpha, info.greyscale, false);
    int[] starts = new int[PROBE_BANDS];
    for (int i = 0; i < PROBE_BANDS; i++) {
      starts[i] = (int) ((2L * i + 1) * info.rows / (2 * PROBE_BANDS)) - PROBE_BAND_ROWS / 2;
    }
    Rows probeRows = (y, row) ->
        rows.read(starts[y / PROBE_BAND_ROWS] + y % PROBE_BAND_ROWS, row);
    int lz77 = writeRows(probe, probeRows, Deflate.LZ77_LEVEL_1).size();
    int huffman = writeRows(probe, probeRows, Deflate.HUFFMAN_ONLY).size();
    return huffman < lz77 ? Deflate.HUFFMAN_ONLY : Deflate.LZ77_LEVEL_1;
  }

  /** The PNG file of {@code info}'s rows, deflated the given way. */
  private static ByteArrayOutputStream writeRows(ImageInfo info, Rows rows, Deflate deflate) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(
        info.rows * info.cols * info.channels * info.bitDepth / 16 + 1024);
    PngWriter png = new PngWriter(out, info);
    png.setCompLevel(DEFLATE_LEVEL);
    if (deflate == Deflate.HUFFMAN_ONLY) {
      png.setFilterType(FilterType.FILTER_AVERAGE);
      png.getPixelsWriter().setDeflaterStrategy(Deflater.HUFFMAN_ONLY);
    } else {
      png.setFilterType(FilterType.FILTER_ADAPTIVE_FAST);
    }
    int[] row = new int[info.samplesPerRow];
    for (int y = 0; y < info.rows; y++) {
      rows.read(y, row);
      png.writeRow(new ImageLineInt(info, row));
    }
    png.end();
    return out;
  }

  private static void checkBands(int bands, boolean gray, boolean alpha) {
    int expected = (gray ? 1 : 3) + (alpha ? 1 : 0);
    if (bands != expected) {
      throw new IllegalArgumentException("PNG layout needs " + expected + " bands, got " + bands);
    }
  }
}
