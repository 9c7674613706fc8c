package io.pcsr.job;

import io.pcsr.udf.routing.RoutingPolicy;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/** The routing knob, shared by the commands: exactly one of these, default k = 0. */
public final class RoutingOptions {
  @ArgGroup(exclusive = true, multiplicity = "0..1")
  Choice choice;

  static final class Choice {
    @Option(names = "--k", paramLabel = "K",
        description = "Official k rule: larger k sends more pixels to the light path (default 0).")
    Double k;

    @Option(names = "--adaptive", description = "ADM: per-image 2-means threshold on p_heavy.")
    boolean adaptive;

    @Option(names = "--heavy-share", paramLabel = "SHARE",
        description = "Send this share (0..1) of each image's pixels, the hardest, to the heavy path.")
    Double heavyShare;

    @Option(names = "--flop-budget", paramLabel = "GFLOPS_PER_MP",
        description = "At most this many GFLOPs (official convention) per output megapixel.")
    Double flopBudget;
  }

  public RoutingPolicy policy() {
    if (choice == null) {
      return new RoutingPolicy.KRule(0);
    }
    if (choice.adaptive) {
      return new RoutingPolicy.Adaptive();
    }
    if (choice.heavyShare != null) {
      return new RoutingPolicy.HeavyShare(choice.heavyShare);
    }
    if (choice.flopBudget != null) {
      return new RoutingPolicy.FlopBudget(choice.flopBudget);
    }
    return new RoutingPolicy.KRule(choice.k == null ? 0 : choice.k);
  }
}
