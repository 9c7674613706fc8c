package io.pcsr.udf.image;

/**
 * The one quantisation rule of the project, matching the official code's
 * {@code clamp(0, 1).mul(255).round()} on float32 tensors: clamp, multiply in float (so that
 * k/255f * 255f lands exactly on k and (k + 0.5)/255f * 255f on k + 0.5), round half to
 * even.
 */
public final class Quantizer {
  private Quantizer() {}

  /** Clamp to [0,1], x255 in float, round half to even. NaN maps to 0 (torch leaves it undefined). */
  public static int toUint8(float v) {
    if (!(v > 0f)) {
      return 0; // also catches NaN
    }
    float clamped = v < 1f ? v : 1f;
    return (int) Math.rint(clamped * 255f);
  }

  /** Every value quantised, same planar CHW layout as {@link FloatImage#data()}. */
  public static int[] quantize(FloatImage image) {
    float[] src = image.data();
    int[] out = new int[src.length];
    for (int i = 0; i < src.length; i++) {
      out[i] = toUint8(src[i]);
    }
    return out;
  }

  /** What decoding an 8-bit file of this image would give back: each value snapped to k/255. */
  public static FloatImage as8Bit(FloatImage image) {
    float[] src = image.data();
    float[] out = new float[src.length];
    for (int i = 0; i < src.length; i++) {
      out[i] = toUint8(src[i]) / 255f;
    }
    return new FloatImage(image.channels(), image.height(), image.width(), out);
  }
}
