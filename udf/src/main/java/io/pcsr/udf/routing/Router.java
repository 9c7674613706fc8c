package io.pcsr.udf.routing;

import io.pcsr.udf.cost.PcsrCost;
import java.util.Arrays;

/** Turns classifier probabilities into a class per pixel (1 = heavy) under a policy. */
public final class Router {
  private final double[] routingCost;
  private final PcsrCost cost;

  /**
   * @param routingCost the model's normalised [light, heavy] cost list (official convention)
   * @param cost the model's per-component FLOPs, for FLOP budgets
   */
  public Router(double[] routingCost, PcsrCost cost) {
    this.routingCost = routingCost.clone();
    this.cost = cost;
  }

  public byte[] route(RoutingPolicy policy, float[] pLight, float[] pHeavy) {
    return decide(policy, java.util.List.of(pLight), java.util.List.of(pHeavy)).apply(pLight, pHeavy);
  }

  /**
   * Fits a policy on all pixels of one image, given as parts (tiles) in a fixed order; the rule
   * then applies to each part alone.
   */
  public RoutingRule decide(RoutingPolicy policy, java.util.List<float[]> pLight,
      java.util.List<float[]> pHeavy) {
    if (policy instanceof RoutingPolicy.KRule k) {
      return ratio(k.k());
    } else if (policy instanceof RoutingPolicy.Adaptive) {
      return TwoMeans.fit(pHeavy);
    } else if (policy instanceof RoutingPolicy.HeavyShare h) {
      return topShare(pHeavy, h.share());
    } else if (policy instanceof RoutingPolicy.FlopBudget f) {
      return topShare(pHeavy, cost.heavyShareForBudget(f.gflopsPerMegapixel()));
    }
    throw new IllegalArgumentException("unknown policy " + policy);
  }

  /**
   * argmax(p / cost^k) in float32 as the official code computes it, ties to light. Large |k|
   * saturates the way the official code does (k = -25 sends everything heavy).
   */
  public RoutingRule.Ratio ratio(double k) {
    float divLight = (float) Math.pow((float) routingCost[0], (float) k);
    float divHeavy = (float) Math.pow((float) routingCost[1], (float) k);
    return new RoutingRule.Ratio(divLight, divHeavy);
  }

  byte[] kRule(double k, float[] pLight, float[] pHeavy) {
    return ratio(k).apply(pLight, pHeavy);
  }

  /**
   * The round(share x n) pixels with the highest p_heavy go heavy; pixels tied with the last one
   * go heavy too, so the rule does not depend on pixel order or tiling.
   */
  static RoutingRule.Threshold topShare(java.util.List<float[]> parts, double share) {
    int n = 0;
    for (float[] p : parts) {
      n += p.length;
    }
    int count = (int) Math.round(share * n);
    if (count <= 0) {
      return new RoutingRule.Threshold(Float.POSITIVE_INFINITY);
    }
    if (count >= n) {
      return new RoutingRule.Threshold(Float.NEGATIVE_INFINITY);
    }
    float[] all = new float[n];
    int at = 0;
    for (float[] p : parts) {
      System.arraycopy(p, 0, all, at, p.length);
      at += p.length;
    }
    Arrays.sort(all);
    return new RoutingRule.Threshold(all[n - count]);
  }

  static byte[] topShare(float[] pHeavy, double share) {
    return topShare(java.util.List.of(pHeavy), share).apply(null, pHeavy);
  }
}
