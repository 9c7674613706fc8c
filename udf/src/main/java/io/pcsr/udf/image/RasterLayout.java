package io.pcsr.udf.image;

/**
 * What the bands of a decoded raster mean, which decides how they pass through the RGB model
 * (see {@link BandRoles}): colour bands go through the model, alpha and extra bands are
 * interpolated, and the output keeps the input's layout.
 */
public enum RasterLayout {
  /** One gray band. */
  GRAY(1, -1),
  /** Gray then unassociated alpha. */
  GRAY_ALPHA(2, 1),
  RGB(3, -1),
  /** RGB then unassociated alpha. */
  RGBA(4, 3),
  /** Any other band set (satellite stacks, RGB + NIR): the model bands are chosen by config. */
  MULTIBAND(-1, -1);

  private final int bands;
  private final int alphaBand;

  RasterLayout(int bands, int alphaBand) {
    this.bands = bands;
    this.alphaBand = alphaBand;
  }

  /** The band count this layout implies; -1 for MULTIBAND (any count). */
  public int bands() { return bands; }

  /** Index of the alpha band, or -1. */
  public int alphaBand() { return alphaBand; }

  public boolean hasAlpha() { return alphaBand >= 0; }

  /** Lower-case name used in tables and tile records. */
  public String code() { return name().toLowerCase(java.util.Locale.ROOT); }

  public static RasterLayout fromCode(String code) {
    return valueOf(code.toUpperCase(java.util.Locale.ROOT));
  }
}
