package io.pcsr.udf.infer;

import io.pcsr.udf.image.FloatImage;
import io.pcsr.udf.model.LayerCost;

/**
 * A super-resolved image with what it cost.
 *
 * @param image RGB in [0,1] space, not yet clamped or quantised
 * @param heavyShare per HR pixel, the share of heavy decisions (0 or 1 in image mode; the mean
 *     over overlapping patches in patch mode), row-major
 * @param pHeavy per HR pixel, the classifier's heavy probability (averaged over overlapping
 *     patches in patch mode)
 * @param heavyPixels heavy decisions summed over every pass (patches counted separately)
 * @param decisions all decisions (HR pixels, times their patch multiplicity in patch mode)
 * @param flops FLOPs in both conventions
 * @param nanos wall time of the whole call
 */
public record SrResult(FloatImage image, float[] heavyShare, float[] pHeavy, long heavyPixels,
    long decisions, LayerCost flops, long nanos) {

  public double heavyFraction() {
    return decisions == 0 ? 0 : (double) heavyPixels / decisions;
  }
}
