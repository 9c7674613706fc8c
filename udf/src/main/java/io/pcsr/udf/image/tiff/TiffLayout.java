package io.pcsr.udf.image.tiff;

import io.pcsr.udf.image.SampleType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What {@link TiledTiffWriter} writes: image size, bands and their meaning, sample type, tiling,
 * compression, classic or BigTIFF, and the fields copied from the input.
 *
 * @param extraSamples the meaning of each band after the colour bands (one for MinIsBlack,
 *     three for RGB), in order
 * @param fields fields copied from the input (see {@link TiffFields#carriedOver}); tags the
 *     writer sets itself are refused
 */
public record TiffLayout(
    int width,
    int height,
    int bands,
    SampleType sampleType,
    Photometric photometric,
    List<ExtraSample> extraSamples,
    int tileWidth,
    int tileHeight,
    Compression compression,
    BigTiff bigTiff,
    List<TiffField> fields) {

  public static final int DEFAULT_TILE = 256;

  /** The largest offset a classic TIFF can hold. */
  static final long CLASSIC_LIMIT = 0xFFFF_FFFFL;

  /** The writer owns these; a copied value would contradict what it writes. */
  private static final Set<Integer> WRITER_TAGS = Set.of(
      TiffTags.IMAGE_WIDTH, TiffTags.IMAGE_LENGTH, TiffTags.BITS_PER_SAMPLE,
      TiffTags.COMPRESSION, TiffTags.PHOTOMETRIC, TiffTags.SAMPLES_PER_PIXEL,
      TiffTags.PLANAR_CONFIGURATION, TiffTags.TILE_WIDTH, TiffTags.TILE_LENGTH,
      TiffTags.TILE_OFFSETS, TiffTags.TILE_BYTE_COUNTS, TiffTags.EXTRA_SAMPLES,
      TiffTags.SAMPLE_FORMAT);

  public enum Photometric {
    MIN_IS_BLACK(1, 1),
    RGB(2, 3);

    private final int code;
    private final int colourBands;

    Photometric(int code, int colourBands) {
      this.code = code;
      this.colourBands = colourBands;
    }

    public int code() { return code; }

    public int colourBands() { return colourBands; }
  }

  /** ExtraSamples values: what a band beyond the colour bands holds. */
  public enum ExtraSample {
    UNSPECIFIED(0),
    UNASSOCIATED_ALPHA(2);

    private final int code;

    ExtraSample(int code) { this.code = code; }

    public int code() { return code; }
  }

  public enum Compression {
    NONE(1),
    /** zlib-wrapped deflate, TIFF compression 8 ("Adobe Deflate"). */
    DEFLATE(8);

    private final int code;

    Compression(int code) { this.code = code; }

    public int code() { return code; }
  }

  public enum BigTiff {
    /** BigTIFF only when a classic file could pass 4 GiB (see {@link #isBigTiff}). */
    AUTO,
    ALWAYS,
    NEVER
  }

  public TiffLayout {
    if (width <= 0 || height <= 0 || bands <= 0) {
      throw new IllegalArgumentException("image must have positive size and bands, got "
          + width + "x" + height + "x" + bands);
    }
    Objects.requireNonNull(sampleType, "sampleType");
    Objects.requireNonNull(photometric, "photometric");
    Objects.requireNonNull(compression, "compression");
    Objects.requireNonNull(bigTiff, "bigTiff");
    extraSamples = List.copyOf(extraSamples);
    fields = List.copyOf(fields);
    if (bands != photometric.colourBands() + extraSamples.size()) {
      throw new IllegalArgumentException(bands + " bands do not match " + photometric + " ("
          + photometric.colourBands() + " colour bands) plus " + extraSamples.size()
          + " extra samples " + extraSamples);
    }
    checkTileSide("tile width", tileWidth);
    checkTileSide("tile height", tileHeight);
    if ((long) tileWidth * tileHeight * bands * sampleType.bytes() > Integer.MAX_VALUE - 64) {
      throw new IllegalArgumentException("a " + tileWidth + "x" + tileHeight + "x" + bands + " "
          + sampleType.code() + " tile does not fit one Java array; use smaller tiles");
    }
    checkFields(fields);
  }

  /**
   * Defaults for a {@code bands}-band image: RGB from 3 bands up, else MinIsBlack; the band
   * after the colour bands of a 2- or 4-band image is unassociated alpha (gray+alpha, RGBA),
   * any others are unspecified; 256x256 tiles, DEFLATE, BigTIFF when needed, no copied fields.
   */
  public static TiffLayout of(int width, int height, int bands, SampleType type) {
    Photometric photometric = bands >= 3 ? Photometric.RGB : Photometric.MIN_IS_BLACK;
    List<ExtraSample> extras = new ArrayList<>();
    for (int b = photometric.colourBands(); b < bands; b++) {
      boolean alpha = b == photometric.colourBands() && (bands == 2 || bands == 4);
      extras.add(alpha ? ExtraSample.UNASSOCIATED_ALPHA : ExtraSample.UNSPECIFIED);
    }
    return new TiffLayout(width, height, bands, type, photometric, extras, DEFAULT_TILE,
        DEFAULT_TILE, Compression.DEFLATE, BigTiff.AUTO, List.of());
  }

  public TiffLayout withTiles(int newTileWidth, int newTileHeight) {
    return new TiffLayout(width, height, bands, sampleType, photometric, extraSamples,
        newTileWidth, newTileHeight, compression, bigTiff, fields);
  }

  public TiffLayout withCompression(Compression newCompression) {
    return new TiffLayout(width, height, bands, sampleType, photometric, extraSamples,
        tileWidth, tileHeight, newCompression, bigTiff, fields);
  }

  public TiffLayout withBigTiff(BigTiff newBigTiff) {
    return new TiffLayout(width, height, bands, sampleType, photometric, extraSamples,
        tileWidth, tileHeight, compression, newBigTiff, fields);
  }

  public TiffLayout withBands(Photometric newPhotometric, List<ExtraSample> newExtraSamples) {
    return new TiffLayout(width, height, bands, sampleType, newPhotometric, newExtraSamples,
        tileWidth, tileHeight, compression, bigTiff, fields);
  }

  public TiffLayout withFields(List<TiffField> newFields) {
    return new TiffLayout(width, height, bands, sampleType, photometric, extraSamples,
        tileWidth, tileHeight, compression, bigTiff, newFields);
  }

  public int tilesAcross() { return (int) ceilDiv(width, tileWidth); }

  public int tilesDown() { return (int) ceilDiv(height, tileHeight); }

  public int tileCount() { return Math.multiplyExact(tilesAcross(), tilesDown()); }

  /** Uncompressed bytes of one full (padded) tile. */
  public int tileBytes() { return tileWidth * tileHeight * bands * sampleType.bytes(); }

  /**
   * Whether to write BigTIFF. AUTO picks it when a classic file might not fit its 32-bit
   * offsets: the padded uncompressed pixels, plus deflate's worst-case growth (stored blocks
   * add a few bytes per 64 KiB; 0.1% is ample), plus the IFD and its tile tables. Compressed
   * files usually end far smaller, but the size must be decided before the first tile.
   */
  public boolean isBigTiff() {
    return switch (bigTiff) {
      case ALWAYS -> true;
      case NEVER -> false;
      case AUTO -> estimatedClassicSize() > CLASSIC_LIMIT;
    };
  }

  long estimatedClassicSize() {
    long pixels = (long) tileCount() * tileBytes();
    long growth = compression == Compression.NONE ? 0 : pixels / 1000 + 64L * tileCount();
    long ifd = 4096 + 16L * tileCount()
        + fields.stream().mapToLong(f -> f.count() * f.type().size() + 12).sum();
    return 8 + pixels + growth + ifd;
  }

  private static void checkTileSide(String what, int side) {
    if (side <= 0 || side % 16 != 0) {
      throw new IllegalArgumentException(what + " must be a positive multiple of 16 (TIFF "
          + "requires it for tiles), got " + side);
    }
  }

  private static void checkFields(List<TiffField> fields) {
    Set<Integer> seen = new HashSet<>();
    for (TiffField f : fields) {
      if (WRITER_TAGS.contains(f.tag())) {
        throw new IllegalArgumentException("tag " + f.tag() + " describes the pixel layout and"
            + " is set by the writer; do not copy it (see TiffFields.carriedOver)");
      }
      if (!seen.add(f.tag())) {
        throw new IllegalArgumentException("tag " + f.tag() + " appears twice in the fields");
      }
    }
  }

  private static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }
}
