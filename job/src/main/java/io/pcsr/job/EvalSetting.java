package io.pcsr.job;

import io.pcsr.udf.routing.RoutingPolicy;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One point of an evaluation: a PCSR routing (with or without refinement) or the original
 * network. {@code name} is what the {@code _eval} table's {@code setting} column holds:
 * {@code k=0.0}, {@code adaptive}, {@code heavy-share=0.25}, {@code flops=30.0},
 * {@code all-heavy} (k = -25, every pixel heavy) or {@code original}.
 */
public record EvalSetting(String name, String routing, boolean refine) implements Serializable {
  public static final String ALL_HEAVY = "all-heavy";
  public static final String ORIGINAL = "original";
  /** The official code's way of sending every pixel to the heavy path. */
  public static final double ALL_HEAVY_K = -25;

  public boolean original() {
    return ORIGINAL.equals(name);
  }

  public boolean allHeavy() {
    return ALL_HEAVY.equals(name);
  }

  /** The routing policy; null for the original network. */
  public RoutingPolicy policy() {
    return routing == null ? null : RoutingPolicy.parse(routing);
  }

  /** k of a k-rule setting (all-heavy included), else null. */
  public Double k() {
    return policy() instanceof RoutingPolicy.KRule k ? k.k() : null;
  }

  static EvalSetting pcsr(RoutingPolicy p, boolean refine) {
    if (p instanceof RoutingPolicy.KRule k && k.k() <= ALL_HEAVY_K) {
      return new EvalSetting(ALL_HEAVY, p.describe(), refine);
    }
    return new EvalSetting(p.describe(), p.describe(), refine);
  }

  /**
   * The settings of one evaluation, in the order given, duplicates removed: every k, adaptive,
   * every heavy share, every FLOP budget; then all-heavy (unless left out), then the original
   * network (when one is given). No routing option at all means k = 0.
   */
  public static List<EvalSetting> of(List<Double> ks, boolean adaptive, List<Double> heavyShares,
      List<Double> flopBudgets, boolean refine, boolean allHeavy, boolean original) {
    List<RoutingPolicy> policies = new ArrayList<>();
    ks.forEach(k -> policies.add(new RoutingPolicy.KRule(k)));
    if (adaptive) {
      policies.add(new RoutingPolicy.Adaptive());
    }
    heavyShares.forEach(s -> policies.add(new RoutingPolicy.HeavyShare(s)));
    flopBudgets.forEach(b -> policies.add(new RoutingPolicy.FlopBudget(b)));
    if (policies.isEmpty()) {
      policies.add(new RoutingPolicy.KRule(0));
    }
    if (allHeavy) {
      policies.add(new RoutingPolicy.KRule(ALL_HEAVY_K));
    }
    Map<String, EvalSetting> out = new LinkedHashMap<>();
    for (RoutingPolicy p : policies) {
      EvalSetting s = pcsr(p, refine);
      out.putIfAbsent(s.name(), s);
    }
    if (original) {
      out.put(ORIGINAL, new EvalSetting(ORIGINAL, null, false));
    }
    return List.copyOf(out.values());
  }
}
