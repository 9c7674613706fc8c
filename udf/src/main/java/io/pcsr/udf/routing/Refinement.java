package io.pcsr.udf.routing;

/**
 * PCSR's pixel refinement: a light pixel with at least one heavy pixel in its 3x3 neighbourhood
 * (itself included) becomes the 3x3 mean of the unrefined predictions. One pass; the first and
 * last row and column are never refined, so the padding mode never matters.
 */
public final class Refinement {
  private Refinement() {}

  /** In place on a planar 3 x h x w image. */
  public static void apply(float[] image, byte[] heavy, int h, int w) {
    int plane = h * w;
    int channels = image.length / plane;
    float[] unrefined = image.clone();
    for (int y = 1; y < h - 1; y++) {
      for (int x = 1; x < w - 1; x++) {
        int at = y * w + x;
        if (heavy[at] != 0 || !hasHeavyNeighbour(heavy, at, w)) {
          continue;
        }
        for (int c = 0; c < channels; c++) {
          int o = c * plane + at;
          float sum = 0f;
          for (int dy = -w; dy <= w; dy += w) {
            sum += unrefined[o + dy - 1] + unrefined[o + dy] + unrefined[o + dy + 1];
          }
          image[o] = sum / 9f;
        }
      }
    }
  }

  private static boolean hasHeavyNeighbour(byte[] heavy, int at, int w) {
    return (heavy[at - w - 1] | heavy[at - w] | heavy[at - w + 1]
        | heavy[at - 1] | heavy[at + 1]
        | heavy[at + w - 1] | heavy[at + w] | heavy[at + w + 1]) != 0;
  }
}
