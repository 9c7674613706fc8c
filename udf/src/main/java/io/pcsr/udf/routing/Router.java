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
    if (policy instanceof RoutingPolicy.KRule k) {
      return kRule(k.k(), pLight, pHeavy);
    } else if (policy instanceof RoutingPolicy.Adaptive) {
      return TwoMeans.classify(pHeavy);
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
  byte[] kRule(double k, float[] pLight, float[] pHeavy) {
    float divLight = (float) Math.pow((float) routingCost[0], (float) k);
    float divHeavy = (float) Math.pow((float) routingCost[1], (float) k);
    byte[] flags = new byte[pHeavy.length];
    for (int i = 0; i < flags.length; i++) {
      flags[i] = pHeavy[i] / divHeavy > pLight[i] / divLight ? (byte) 1 : 0;
    }
    return flags;
  }

  /**
   * The round(share x n) pixels with the highest p_heavy go heavy; among equal probabilities at
   * the cut, the earlier pixel in raster order wins, so the result is deterministic.
   */
  static byte[] topShare(float[] pHeavy, double share) {
    int n = pHeavy.length;
    int count = (int) Math.round(share * n);
    byte[] flags = new byte[n];
    if (count <= 0) {
      return flags;
    }
    if (count >= n) {
      Arrays.fill(flags, (byte) 1);
      return flags;
    }
    float[] sorted = pHeavy.clone();
    Arrays.sort(sorted);
    float cut = sorted[n - count];
    int above = 0;
    for (float v : pHeavy) {
      if (v > cut) {
        above++;
      }
    }
    int tiesToTake = count - above;
    for (int i = 0; i < n; i++) {
      if (pHeavy[i] > cut) {
        flags[i] = 1;
      } else if (pHeavy[i] == cut && tiesToTake > 0) {
        flags[i] = 1;
        tiesToTake--;
      }
    }
    return flags;
  }
}
