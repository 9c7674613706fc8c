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
 * @param stageNanos wall time per stage: backbone, classifier, routing, upsampling (incl. refinement)
 */
public record SrResult(FloatImage image, float[] heavyShare, float[] pHeavy, long heavyPixels,
    long decisions, LayerCost flops, long nanos, StageNanos stageNanos) {

  /** Where the time went. */
  public record StageNanos(long backbone, long classifier, long routing, long upsampling) {
    public static final StageNanos NONE = new StageNanos(0, 0, 0, 0);

    public StageNanos plus(StageNanos o) {
      return new StageNanos(backbone + o.backbone, classifier + o.classifier, routing + o.routing,
          upsampling + o.upsampling);
    }

    /** Stage by stage, the faster of the two. */
    public StageNanos fastest(StageNanos o) {
      return new StageNanos(Math.min(backbone, o.backbone), Math.min(classifier, o.classifier),
          Math.min(routing, o.routing), Math.min(upsampling, o.upsampling));
    }

    public long total() {
      return backbone + classifier + routing + upsampling;
    }

    @Override public String toString() {
      return String.format("backbone %.0f ms, classifier %.0f ms, routing %.0f ms, upsampling %.0f ms",
          backbone / 1e6, classifier / 1e6, routing / 1e6, upsampling / 1e6);
    }
  }

  public double heavyFraction() {
    return decisions == 0 ? 0 : (double) heavyPixels / decisions;
  }
}
