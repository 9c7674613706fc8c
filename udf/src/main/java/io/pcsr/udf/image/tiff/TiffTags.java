package io.pcsr.udf.image.tiff;

/** TIFF, GeoTIFF and GDAL tag numbers used by this package. */
public final class TiffTags {
  private TiffTags() {}

  // Structural tags: the writer sets these.
  public static final int IMAGE_WIDTH = 256;
  public static final int IMAGE_LENGTH = 257;
  public static final int BITS_PER_SAMPLE = 258;
  public static final int COMPRESSION = 259;
  public static final int PHOTOMETRIC = 262;
  public static final int SAMPLES_PER_PIXEL = 277;
  public static final int X_RESOLUTION = 282;
  public static final int Y_RESOLUTION = 283;
  public static final int PLANAR_CONFIGURATION = 284;
  public static final int TILE_WIDTH = 322;
  public static final int TILE_LENGTH = 323;
  public static final int TILE_OFFSETS = 324;
  public static final int TILE_BYTE_COUNTS = 325;
  public static final int EXTRA_SAMPLES = 338;
  public static final int SAMPLE_FORMAT = 339;

  // Descriptive tags.
  public static final int DOCUMENT_NAME = 269;
  public static final int IMAGE_DESCRIPTION = 270;
  public static final int MAKE = 271;
  public static final int MODEL = 272;
  public static final int PAGE_NAME = 285;
  public static final int SOFTWARE = 305;
  public static final int DATE_TIME = 306;
  public static final int ARTIST = 315;
  public static final int HOST_COMPUTER = 316;
  public static final int COPYRIGHT = 33432;

  // GeoTIFF.
  public static final int MODEL_PIXEL_SCALE = 33550;
  public static final int MODEL_TIEPOINT = 33922;
  public static final int MODEL_TRANSFORMATION = 34264;
  public static final int GEO_KEY_DIRECTORY = 34735;
  public static final int GEO_DOUBLE_PARAMS = 34736;
  public static final int GEO_ASCII_PARAMS = 34737;

  // GDAL.
  public static final int GDAL_METADATA = 42112;
  public static final int GDAL_NODATA = 42113;
}
