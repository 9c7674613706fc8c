package io.pcsr.udf.cost;

import io.pcsr.udf.model.LayerCost;
import io.pcsr.udf.model.PcsrModel;

/**
 * FLOPs of PCSR per component at one scale, in both conventions (see {@link LayerCost}): the
 * official counter's (what the paper reports) and what this implementation executes.
 * An image's FLOPs = backbone on its LR pixels + classifier on all HR pixels + light on the
 * light pixels + heavy on the heavy pixels.
 */
public record PcsrCost(int scale, LayerCost backbonePerLrPixel, LayerCost classifierPerHrPixel,
    LayerCost lightPerHrPixel, LayerCost heavyPerHrPixel, double backboneOnlyExecuted)
    implements java.io.Serializable {

  public static PcsrCost of(PcsrModel model, int scale) {
    double s2 = (double) scale * scale;
    // executed: the first MLP layer runs once per LR pixel for every path (shared by its s^2
    // HR pixels); charged to the backbone side since it does not depend on routing
    double firstLayers = model.classifier().executedFlopsPerLrPixel()
        + model.light().executedFlopsPerLrPixel() + model.heavy().executedFlopsPerLrPixel();
    LayerCost backbone = model.backbone().costPerLrPixel().plus(new LayerCost(0, firstLayers));
    return new PcsrCost(scale, backbone,
        mlp(model.classifier().paperFlopsPerHrPixel(), model.classifier().executedFlopsPerHrPixel()),
        mlp(model.light().paperFlopsPerHrPixel(), model.light().executedFlopsPerHrPixel()),
        mlp(model.heavy().paperFlopsPerHrPixel(), model.heavy().executedFlopsPerHrPixel()),
        model.backbone().costPerLrPixel().executed());
  }

  private static LayerCost mlp(double paper, double executed) {
    return new LayerCost(paper, executed);
  }

  /** FLOPs for an image (or tile core) of {@code lrPixels} LR pixels with this many heavy HR pixels. */
  public LayerCost image(long lrPixels, long heavyPixels) {
    long hrPixels = lrPixels * scale * scale;
    long light = hrPixels - heavyPixels;
    return backbonePerLrPixel.times(lrPixels)
        .plus(classifierPerHrPixel.times(hrPixels))
        .plus(lightPerHrPixel.times(light))
        .plus(heavyPerHrPixel.times(heavyPixels));
  }

  /**
   * FLOPs of one engine call as executed: backbone over {@code inputLrPixels} (halo included),
   * classifier over every HR pixel of the region, the light MLP over the rows it actually ran,
   * the heavy MLP over the heavy pixels.
   */
  public double executed(long inputLrPixels, long regionLrPixels, long lightRows, long heavyPixels) {
    return backbonePerLrPixel.executed() * inputLrPixels
        - (backbonePerLrPixel.executed() - backboneOnlyExecuted) * (inputLrPixels - regionLrPixels)
        + classifierPerHrPixel.executed() * regionLrPixels * scale * scale
        + lightPerHrPixel.executed() * lightRows + heavyPerHrPixel.executed() * heavyPixels;
  }

  /** Cost of one HR pixel on its path, classifier included (what a per-pixel Parquet row holds). */
  public LayerCost pixel(boolean heavy) {
    return classifierPerHrPixel.plus(heavy ? heavyPerHrPixel : lightPerHrPixel);
  }

  /**
   * The largest heavy share whose image cost stays within {@code gflopsPerMegapixel} GFLOPs per
   * output megapixel (official convention); clamped to [0, 1].
   */
  public double heavyShareForBudget(double gflopsPerMegapixel) {
    double perHrPixel = gflopsPerMegapixel * 1e9 / 1e6;
    double fixed = backbonePerLrPixel.paper() / (scale * scale) + classifierPerHrPixel.paper()
        + lightPerHrPixel.paper();
    double extra = heavyPerHrPixel.paper() - lightPerHrPixel.paper();
    return Math.max(0, Math.min(1, (perHrPixel - fixed) / extra));
  }
}
