package io.pcsr.udf.infer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.pcsr.udf.image.FloatImage;
import io.pcsr.udf.model.PlanarFeatures;

/**
 * Stage one of PCSR inference over a region: the backbone features kept for upsampling, and
 * the classifier's probabilities per HR pixel (row-major over the region's HR rectangle).
 * Routing happens between this stage and {@link PcsrEngine#upsample}. Owns native memory:
 * close it.
 */
public final class Classified implements AutoCloseable {
  final NDManager manager;
  final NDArray featureRows; // (region LR pixels, C), row-major over the region; or null
  final PlanarFeatures planar; // the same channel by channel, where the MLPs run on the host
  final FloatImage lr;       // the input; the bilinear residual is made from it when upsampling
  private float[] pLight;
  private final float[] pHeavy;
  private final LrRegion region;
  private final int scale;
  final long encodeNanos;
  final long classifyNanos;

  Classified(NDManager manager, NDArray featureRows, PlanarFeatures planar, FloatImage lr,
      float[] pLight, float[] pHeavy, LrRegion region, int scale, long encodeNanos,
      long classifyNanos) {
    this.manager = manager;
    this.featureRows = featureRows;
    this.planar = planar;
    this.lr = lr;
    this.pLight = pLight;
    this.pHeavy = pHeavy;
    this.region = region;
    this.scale = scale;
    this.encodeNanos = encodeNanos;
    this.classifyNanos = classifyNanos;
  }

  /** Softmax probability of the light class per HR pixel (null once dropped). */
  public float[] pLight() { return pLight; }

  /**
   * Frees the light probabilities: rules fitted per image (ADM, budgets) read only p_heavy, and
   * an image's tiles wait for that fit together, so this halves what they hold meanwhile.
   */
  public void dropLightProbabilities() { pLight = null; }

  /** Softmax probability of the heavy class per HR pixel. */
  public float[] pHeavy() { return pHeavy; }

  public LrRegion region() { return region; }

  public int scale() { return scale; }

  public int hrHeight() { return region.height() * scale; }

  public int hrWidth() { return region.width() * scale; }

  /** Nanoseconds spent in the backbone and in the classifier. */
  public long encodeNanos() { return encodeNanos; }

  public long classifyNanos() { return classifyNanos; }

  private boolean closed;

  /** Frees the native memory; safe to call more than once. */
  @Override public synchronized void close() {
    if (!closed) {
      closed = true;
      manager.close();
    }
  }
}
