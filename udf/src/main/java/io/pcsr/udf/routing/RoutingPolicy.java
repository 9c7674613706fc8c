package io.pcsr.udf.routing;

import java.util.Locale;

/**
 * How pixels are sent to the light or heavy upsampler. The knob PCSR turns at inference time,
 * without retraining.
 */
public sealed interface RoutingPolicy {
  /** Official rule: heavy iff p_heavy / cost_heavy^k > p_light / cost_light^k (ties light). */
  record KRule(double k) implements RoutingPolicy {}

  /** Official ADM: 1-D 2-means over the image's min-max-normalised p_heavy. */
  record Adaptive() implements RoutingPolicy {}

  /** The given share of each image's pixels, those with the highest p_heavy, goes heavy. */
  record HeavyShare(double share) implements RoutingPolicy {
    public HeavyShare {
      if (!(share >= 0 && share <= 1)) {
        throw new IllegalArgumentException("heavy share must be in [0,1], got " + share);
      }
    }
  }

  /**
   * Each image spends at most this many GFLOPs per output megapixel (official FLOP convention):
   * the heavy share that fits the budget, given the fixed cost of backbone, classifier and light
   * path, goes to the pixels with the highest p_heavy.
   */
  record FlopBudget(double gflopsPerMegapixel) implements RoutingPolicy {
    public FlopBudget {
      if (!(gflopsPerMegapixel > 0)) {
        throw new IllegalArgumentException("FLOP budget must be positive, got " + gflopsPerMegapixel);
      }
    }
  }

  /** Whether routing needs the whole image's probabilities (not decidable per pixel). */
  default boolean perImage() {
    return !(this instanceof KRule);
  }

  /** Parses "k=0.5", "adaptive", "heavy-share=0.25", "flops=30" (GFLOPs per megapixel). */
  static RoutingPolicy parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    try {
      if (t.equals("adaptive") || t.equals("adm")) {
        return new Adaptive();
      }
      if (t.startsWith("k=")) {
        return new KRule(Double.parseDouble(t.substring(2)));
      }
      if (t.startsWith("heavy-share=")) {
        return new HeavyShare(Double.parseDouble(t.substring("heavy-share=".length())));
      }
      if (t.startsWith("flops=")) {
        return new FlopBudget(Double.parseDouble(t.substring("flops=".length())));
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad number in routing '" + text + "'", e);
    }
    throw new IllegalArgumentException("unknown routing '" + text
        + "': use k=<float>, adaptive, heavy-share=<0..1> or flops=<GFLOPs per megapixel>");
  }

  /** The inverse of {@link #parse}, for logs and Parquet rows. */
  default String describe() {
    if (this instanceof KRule k) {
      return "k=" + k.k();
    } else if (this instanceof HeavyShare h) {
      return "heavy-share=" + h.share();
    } else if (this instanceof FlopBudget f) {
      return "flops=" + f.gflopsPerMegapixel();
    }
    return "adaptive";
  }
}
