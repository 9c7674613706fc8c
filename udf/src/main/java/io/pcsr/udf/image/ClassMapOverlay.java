package io.pcsr.udf.image;

/**
 * The class-map picture of the PCSR paper: the super-resolved image at 65 % opacity over a tint
 * that is green where pixels took the light path and red where they took the heavy one (a mix of
 * the two where the share is fractional, as in patch mode or over a thumbnail's pixel blocks).
 */
public final class ClassMapOverlay {
  /** Opacity of the image over the tint. */
  public static final float IMAGE_OPACITY = 0.65f;
  /** Tint of light pixels (RGB in [0,1]). */
  public static final float[] LIGHT = {0f, 1f, 0f};
  /** Tint of heavy pixels (RGB in [0,1]). */
  public static final float[] HEAVY = {1f, 0f, 0f};

  private ClassMapOverlay() {}

  /**
   * A new RGB image of {@code sr}'s size:
   * {@code 0.65 * clamp(sr, 0, 1) + 0.35 * ((1 - share) * green + share * red)} per pixel.
   *
   * @param sr an RGB (or single-channel, taken as gray) image; values outside [0,1] are clamped
   * @param heavyShare per pixel, row-major, the share of heavy decisions in [0,1] (0 light, 1
   *     heavy; values outside are clamped, NaN counts as light); length height x width
   * @return the overlay, values in [0,1]; neither input is modified
   */
  public static FloatImage render(FloatImage sr, float[] heavyShare) {
    if (sr.channels() != 3 && sr.channels() != 1) {
      throw new IllegalArgumentException("class-map overlay needs an RGB or gray image, got " + sr);
    }
    int h = sr.height();
    int w = sr.width();
    int plane = h * w;
    if (heavyShare == null || heavyShare.length != plane) {
      throw new IllegalArgumentException("heavy share map has "
          + (heavyShare == null ? "no" : Integer.toString(heavyShare.length)) + " values, the image "
          + w + "x" + h + " has " + plane + " pixels");
    }
    float[] src = sr.data();
    float[] out = new float[3 * plane];
    float tintWeight = 1f - IMAGE_OPACITY;
    for (int c = 0; c < 3; c++) {
      int srcOffset = sr.channels() == 3 ? c * plane : 0;
      int dstOffset = c * plane;
      float light = LIGHT[c];
      float heavy = HEAVY[c];
      for (int i = 0; i < plane; i++) {
        float s = clamp01(heavyShare[i]);
        float tint = light + s * (heavy - light);
        out[dstOffset + i] = IMAGE_OPACITY * clamp01(src[srcOffset + i]) + tintWeight * tint;
      }
    }
    return new FloatImage(3, h, w, out);
  }

  private static float clamp01(float v) {
    if (!(v > 0f)) {
      return 0f; // also NaN
    }
    return v < 1f ? v : 1f;
  }
}
