package io.pcsr.udf.routing;

import java.io.Serializable;

/**
 * A routing decision that can be applied pixel by pixel. Per-image policies (ADM, budgets) are
 * first fitted on all of an image's pixels ({@link Router#decide}); the fitted rule is then
 * applied to each tile alone, so the result does not depend on how tiles are partitioned.
 */
public sealed interface RoutingRule extends Serializable {
  /** Class per pixel, 1 = heavy. */
  byte[] apply(float[] pLight, float[] pHeavy);

  /** Official k rule: heavy iff p_heavy / divHeavy > p_light / divLight (float32), ties light. */
  record Ratio(float divLight, float divHeavy) implements RoutingRule {
    @Override public byte[] apply(float[] pLight, float[] pHeavy) {
      byte[] flags = new byte[pHeavy.length];
      for (int i = 0; i < flags.length; i++) {
        flags[i] = pHeavy[i] / divHeavy > pLight[i] / divLight ? (byte) 1 : 0;
      }
      return flags;
    }
  }

  /** Heavy iff p_heavy >= cut (ties at the cut all go heavy, whatever the tiling). */
  record Threshold(float cut) implements RoutingRule {
    @Override public byte[] apply(float[] pLight, float[] pHeavy) {
      byte[] flags = new byte[pHeavy.length];
      for (int i = 0; i < flags.length; i++) {
        flags[i] = pHeavy[i] >= cut ? (byte) 1 : 0;
      }
      return flags;
    }
  }

  /**
   * The final assignment of the official 2-means: normalise p with the image's min and range,
   * compare the library's similarities to the last iteration's centroids in float32, and swap
   * labels so that the cluster of the minimum is light. A constant image is all light.
   */
  record TwoMeansAssignment(float min, float range, float c0, float c1, boolean swap)
      implements RoutingRule {
    @Override public byte[] apply(float[] pLight, float[] pHeavy) {
      byte[] flags = new byte[pHeavy.length];
      if (!(range > 0)) {
        return flags;
      }
      byte one = swap ? (byte) 0 : 1;
      byte zero = swap ? (byte) 1 : 0;
      for (int i = 0; i < flags.length; i++) {
        flags[i] = TwoMeans.inCluster1((pHeavy[i] - min) / range, c0, c1) ? one : zero;
      }
      return flags;
    }
  }
}
