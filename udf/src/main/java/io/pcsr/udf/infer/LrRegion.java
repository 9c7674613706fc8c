package io.pcsr.udf.infer;

/**
 * A rectangle of LR pixels (within the LR input given to the engine) whose HR pixels are
 * classified and upsampled; the rest of the input only feeds the backbone as context (a tile's
 * halo).
 */
public record LrRegion(int y0, int x0, int height, int width) {
  public LrRegion {
    if (y0 < 0 || x0 < 0 || height <= 0 || width <= 0) {
      throw new IllegalArgumentException("bad region " + y0 + "," + x0 + " " + height + "x" + width);
    }
  }

  public static LrRegion whole(int height, int width) {
    return new LrRegion(0, 0, height, width);
  }

  public int pixels() { return height * width; }

  boolean coversWhole(int h, int w) { return y0 == 0 && x0 == 0 && height == h && width == w; }
}
