package io.pcsr.udf.routing;

import io.pcsr.udf.concurrent.HostLoops;
import java.io.Serializable;

/**
 * A routing decision that can be applied pixel by pixel. Per-image policies (ADM, budgets) are
 * first fitted on all of an image's pixels ({@link Router#decide}); the fitted rule is then
 * applied to each tile alone, so the result does not depend on how tiles are partitioned.
 */
public sealed interface RoutingRule extends Serializable {
  /** Pixels per piece when a rule is applied in parallel. */
  int PIECE = 1 << 16;

  /** Class per pixel, 1 = heavy. */
  default byte[] apply(float[] pLight, float[] pHeavy) {
    return apply(pLight, pHeavy, false);
  }

  /**
   * Class per pixel, 1 = heavy; with {@code parallel}, in pieces on the common pool (on a GPU,
   * where the host's other cores are idle). Each pixel's class depends on that pixel alone, so
   * the flags are the same either way.
   */
  default byte[] apply(float[] pLight, float[] pHeavy, boolean parallel) {
    byte[] flags = new byte[pHeavy.length];
    int pieces = parallel ? (flags.length + PIECE - 1) / PIECE : 1;
    int size = parallel ? PIECE : flags.length;
    HostLoops.forEach(pieces, parallel,
        i -> classify(pLight, pHeavy, flags, i * size, Math.min(flags.length, (i + 1) * size)));
    return flags;
  }

  /** Sets flags[from, to) from the probabilities of those pixels. */
  void classify(float[] pLight, float[] pHeavy, byte[] flags, int from, int to);

  /** Official k rule: heavy iff p_heavy / divHeavy > p_light / divLight (float32), ties light. */
  record Ratio(float divLight, float divHeavy) implements RoutingRule {
    @Override public void classify(float[] pLight, float[] pHeavy, byte[] flags, int from,
        int to) {
      for (int i = from; i < to; i++) {
        flags[i] = pHeavy[i] / divHeavy > pLight[i] / divLight ? (byte) 1 : 0;
      }
    }
  }

  /** Heavy iff p_heavy >= cut (ties at the cut all go heavy, whatever the tiling). */
  record Threshold(float cut) implements RoutingRule {
    @Override public void classify(float[] pLight, float[] pHeavy, byte[] flags, int from,
        int to) {
      for (int i = from; i < to; i++) {
        flags[i] = pHeavy[i] >= cut ? (byte) 1 : 0;
      }
    }
  }

  /**
   * The final assignment of the official 2-means: normalise p with the image's min and range,
   * compare the library's similarities to the last iteration's centroids in float32, and swap
   * labels so that the cluster of the minimum is light. A constant image is all light.
   */
  record TwoMeansAssignment(float min, float range, float c0, float c1, boolean swap)
      implements RoutingRule {
    @Override public void classify(float[] pLight, float[] pHeavy, byte[] flags, int from,
        int to) {
      if (!(range > 0)) {
        return; // all light
      }
      byte one = swap ? (byte) 0 : 1;
      byte zero = swap ? (byte) 1 : 0;
      for (int i = from; i < to; i++) {
        flags[i] = TwoMeans.inCluster1((pHeavy[i] - min) / range, c0, c1) ? one : zero;
      }
    }
  }
}
