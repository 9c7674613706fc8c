package io.pcsr.udf.model;

/** Builds a backbone from its name and args, as the official model registry does. */
final class Backbones {
  private Backbones() {}

  static Backbone create(String name, ModelArgs args, Weights w) {
    return switch (name) {
      case "fsrcnn" -> new FsrcnnBackbone(w, args.integer("d", 56), args.integer("s", 12),
          args.integer("m", 4));
      case "carn" -> new CarnBackbone(w, args.integer("nf", 64), args.integer("group", 4));
      case "srresnet" -> new SrResNetBackbone(w, args.integer("nf", 64), args.integer("nb", 16));
      default -> throw new IllegalArgumentException("unsupported backbone '" + name
          + "' (supported: fsrcnn, carn, srresnet)");
    };
  }

  /** The DIV2K RGB mean CARN subtracts outside the network; the other backbones use 0. */
  static float[] rgbMean(String name) {
    return "carn".equals(name) ? new float[] {0.4488f, 0.4371f, 0.4040f} : new float[3];
  }
}
