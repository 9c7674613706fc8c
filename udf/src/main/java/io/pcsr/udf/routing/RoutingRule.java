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
      float c0sq = c0 * c0;
      float c1sq = c1 * c1;
      byte one = swap ? (byte) 0 : 1;
      byte zero = swap ? (byte) 1 : 0;
      for (int i = 0; i < flags.length; i++) {
        float v = (pHeavy[i] - min) / range;
        float vsq = v * v;
        float sim0 = 2f * v * c0 - vsq - c0sq;
        float sim1 = 2f * v * c1 - vsq - c1sq;
        flags[i] = sim1 > sim0 ? one : zero;
      }
      return flags;
    }
  }
}
