package io.pcsr.udf.train;

import io.pcsr.udf.model.PcsrModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A PCSR architecture as the official checkpoints describe it in {@code model['args']}: a
 * backbone (name and its args) and the hidden widths of the heavy upsampler, light upsampler and
 * classifier MLPs. Builds the args tree in the official layout, so that a checkpoint written by
 * the trainer loads through {@link PcsrModel#fromCheckpoint} unchanged.
 *
 * @param backbone "fsrcnn", "carn" or "srresnet"
 * @param backboneArgs the encoder's args (e.g. {@code {d: 48, no_upsampling: true}}), Long/Boolean
 *     values as in the official pickles
 */
public record Architecture(String backbone, Map<String, Object> backboneArgs, List<Integer> heavy,
    List<Integer> light, List<Integer> classifier) {

  public Architecture {
    backboneArgs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(backboneArgs));
    heavy = List.copyOf(heavy);
    light = List.copyOf(light);
    classifier = List.copyOf(classifier);
  }

  /** The x4 configurations of the official phase-1 configs (configs/*-pcsr-phase1.yaml). */
  public static Architecture official(String backbone) {
    return switch (backbone) {
      case "fsrcnn" -> new Architecture("fsrcnn", encoderArgs("d", 48),
          List.of(58, 58, 58, 58), List.of(10, 10, 10), List.of());
      case "carn" -> new Architecture("carn", encoderArgs("nf", 52),
          List.of(74, 74, 74, 74), List.of(20, 20, 20), List.of(10, 10));
      case "srresnet" -> new Architecture("srresnet", encoderArgs("nf", 58),
          List.of(170, 170, 170, 170), List.of(40, 40, 40), List.of(20, 20));
      default -> throw new IllegalArgumentException("no official PCSR configuration for backbone '"
          + backbone + "' (known: fsrcnn, carn, srresnet)");
    };
  }

  private static Map<String, Object> encoderArgs(String widthKey, long width) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(widthKey, width);
    m.put("no_upsampling", Boolean.TRUE);
    return m;
  }

  /** Reads the architecture back from a checkpoint's args (phase 0 has no light/classifier). */
  public static Architecture fromArgs(Map<String, Object> args) {
    Map<String, Object> enc = map(args, "encoder_spec");
    String name = (String) enc.get("name");
    if (name == null) {
      throw new IllegalArgumentException("model args: encoder_spec.name is missing");
    }
    Map<String, Object> encArgs = enc.containsKey("args") ? map(enc, "args") : Map.of();
    return new Architecture(name, encArgs, hidden(args, "heavy_sampler_spec"),
        args.containsKey("light_sampler_spec") ? hidden(args, "light_sampler_spec") : List.of(),
        args.containsKey("classifier_spec") ? hidden(args, "classifier_spec") : List.of());
  }

  /** The args tree of a phase-0 ({@code pcsr-phase0}) or phase-1 ({@code pcsr-phase1}) model. */
  public Map<String, Object> args(int phase) {
    Map<String, Object> root = new LinkedHashMap<>();
    Map<String, Object> enc = new LinkedHashMap<>();
    enc.put("name", backbone);
    enc.put("args", new LinkedHashMap<>(backboneArgs));
    root.put("encoder_spec", enc);
    root.put("heavy_sampler_spec", sampler(heavy));
    if (phase == 1) {
      root.put("light_sampler_spec", sampler(light));
      root.put("classifier_spec", sampler(classifier));
    }
    return root;
  }

  public static String modelName(int phase) {
    return phase == 0 ? PcsrModel.PHASE0 : PcsrModel.PHASE1;
  }

  /** An integer backbone arg with the official default when absent. */
  public int backboneInt(String key, int defaultValue) {
    Object v = backboneArgs.get(key);
    if (v == null) {
      return defaultValue;
    }
    if (v instanceof Number n && n.doubleValue() == n.longValue()) {
      return Math.toIntExact(n.longValue());
    }
    throw new IllegalArgumentException("model args: encoder_spec.args." + key
        + " must be an integer, got " + v);
  }

  private static Map<String, Object> sampler(List<Integer> hidden) {
    List<Object> list = new ArrayList<>();
    for (int h : hidden) {
      list.add((long) h);
    }
    Map<String, Object> mlpArgs = new LinkedHashMap<>();
    mlpArgs.put("hidden_list", list);
    Map<String, Object> imnet = new LinkedHashMap<>();
    imnet.put("name", "mlp");
    imnet.put("args", mlpArgs);
    Map<String, Object> samplerArgs = new LinkedHashMap<>();
    samplerArgs.put("imnet_spec", imnet);
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("name", "liif-sampler");
    spec.put("args", samplerArgs);
    return spec;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Map<String, Object> parent, String key) {
    Object v = parent.get(key);
    if (!(v instanceof Map)) {
      throw new IllegalArgumentException("model args: '" + key + "' is missing or not a map");
    }
    return (Map<String, Object>) v;
  }

  private static List<Integer> hidden(Map<String, Object> args, String spec) {
    Object list = map(map(map(map(args, spec), "args"), "imnet_spec"), "args").get("hidden_list");
    if (!(list instanceof List<?> l)) {
      throw new IllegalArgumentException("model args: " + spec + " has no hidden_list");
    }
    List<Integer> out = new ArrayList<>();
    for (Object o : l) {
      out.add(Math.toIntExact(((Number) o).longValue()));
    }
    return out;
  }
}
