package io.pcsr.udf.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import io.pcsr.udf.checkpoint.Checkpoint;
import io.pcsr.udf.model.PcsrModel;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The differentiable PCSR network: backbone, heavy upsampler and (phase 1) light upsampler and
 * classifier, with every tensor under its official state-dict key, so that
 * {@link #checkpoint(long)} is the official model layout ({@code pcsr-phase0} or
 * {@code pcsr-phase1}, args tree included).
 *
 * <p>All outputs are residuals: the network predicts {@code HR - bilinear(LR)} per queried pixel
 * (the official model adds the bilinear upsampling of its input to the MLP output).
 */
final class PcsrTrainNet implements AutoCloseable {
  static final String ENCODER = "encoder.";
  static final String HEAVY = "heavy_sampler";
  static final String LIGHT = "light_sampler";
  static final String CLASSIFIER = "classifier";

  private final Architecture arch;
  private final int phase;
  private final ParamStore store;
  private final TrainBackbone backbone;
  private final TrainMlp heavy;
  private final TrainMlp light;
  private final TrainMlp classifier;

  PcsrTrainNet(Architecture arch, int phase, NDManager parent, long seed) {
    if (phase != 0 && phase != 1) {
      throw new IllegalArgumentException("phase must be 0 or 1, got " + phase);
    }
    this.arch = arch;
    this.phase = phase;
    this.store = new ParamStore(parent, seed);
    try {
      backbone = TrainBackbone.create(arch, store);
      int c = backbone.channels();
      heavy = new TrainMlp(store, HEAVY, c, arch.heavy(), 3);
      if (phase == 1) {
        light = new TrainMlp(store, LIGHT, c, arch.light(), 3);
        classifier = new TrainMlp(store, CLASSIFIER, c, arch.classifier(), 2);
        // phase 1: backbone and heavy frozen, light and classifier learn
        store.setTrainable(List.of(LIGHT + ".", CLASSIFIER + "."));
      } else {
        light = null;
        classifier = null;
        store.setTrainable(List.of(ENCODER, HEAVY + "."));
      }
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
  }

  Architecture architecture() { return arch; }

  int phase() { return phase; }

  ParamStore store() { return store; }

  float[] rgbMean() { return backbone.rgbMean(); }

  /**
   * Copies the backbone and heavy upsampler of a phase-0 checkpoint (phase 1 starts from them).
   *
   * @throws IllegalArgumentException when the checkpoint is not a phase-0 model of the same
   *     backbone and heavy upsampler
   */
  void loadPhase0(Checkpoint phase0, String source) {
    if (!PcsrModel.PHASE0.equals(phase0.modelName())) {
      throw new IllegalArgumentException(source + " holds a '" + phase0.modelName()
          + "' model; phase 1 starts from a phase-0 checkpoint ('" + PcsrModel.PHASE0 + "')");
    }
    Architecture a0 = Architecture.fromArgs(phase0.args());
    if (!a0.backbone().equals(arch.backbone()) || !a0.backboneArgs().equals(arch.backboneArgs())
        || !a0.heavy().equals(arch.heavy())) {
      throw new IllegalArgumentException(source + " is a phase-0 model of " + a0.backbone() + " "
          + a0.backboneArgs() + " heavy " + a0.heavy() + ", not of the requested "
          + arch.backbone() + " " + arch.backboneArgs() + " heavy " + arch.heavy());
    }
    Map<String, io.pcsr.udf.checkpoint.TensorData> sd = phase0.stateDict();
    store.load(sd, ENCODER, source);
    store.load(sd, HEAVY + ".", source);
  }

  /** Loads every tensor of this network from a checkpoint of the same phase (resuming). */
  void loadAll(Checkpoint ckpt, String source) {
    if (!Architecture.modelName(phase).equals(ckpt.modelName())) {
      throw new IllegalArgumentException(source + " holds a '" + ckpt.modelName()
          + "' model, expected '" + Architecture.modelName(phase) + "'");
    }
    if (!Architecture.fromArgs(ckpt.args()).equals(phase == 1 ? arch
        : new Architecture(arch.backbone(), arch.backboneArgs(), arch.heavy(), List.of(), List.of()))) {
      throw new IllegalArgumentException(source + " has a different architecture: "
          + ckpt.args());
    }
    int n = store.load(ckpt.stateDict(), "", source);
    if (n != ckpt.stateDict().size()) {
      throw new IllegalArgumentException(source + " has " + ckpt.stateDict().size()
          + " tensors, this architecture " + n);
    }
  }

  /** The official model checkpoint of this network's current weights. */
  Checkpoint checkpoint(long iteration) {
    Map<String, Object> args = phase == 1 ? arch.args(1)
        : new Architecture(arch.backbone(), arch.backboneArgs(), arch.heavy(), List.of(), List.of())
            .args(0);
    return new Checkpoint(Architecture.modelName(phase), args, store.stateDict(),
        OptionalLong.of(iteration));
  }

  /** (N, h, w, 3) mean-subtracted LR -> (N*h*w, C) feature rows. */
  NDArray features(NDArray lr, boolean training) {
    NDArray f = backbone.forward(lr, training);
    long c = f.getShape().get(3);
    return f.reshape(f.size() / c, c);
  }

  /** Heavy upsampler residual per queried pixel, (P, 3). */
  NDArray heavy(NDArray featureRows, Queries q, NDManager scope) {
    return apply(heavy, featureRows, q, scope);
  }

  NDArray light(NDArray featureRows, Queries q, NDManager scope) {
    return apply(requirePhase1(light), featureRows, q, scope);
  }

  /** Class probabilities per queried pixel, (P, 2): column 0 light, column 1 heavy. */
  NDArray probabilities(NDArray featureRows, Queries q, NDManager scope) {
    return apply(requirePhase1(classifier), featureRows, q, scope).softmax(1);
  }

  /** The phase-1 soft mixture p_light * light + p_heavy * heavy, (P, 3). */
  static NDArray mixture(NDArray prob, NDArray lightOut, NDArray heavyOut) {
    NDArray pl = prob.get(new NDIndex(":, 0:1"));
    NDArray ph = prob.get(new NDIndex(":, 1:2"));
    return lightOut.mul(pl).add(heavyOut.mul(ph));
  }

  private TrainMlp requirePhase1(TrainMlp mlp) {
    if (mlp == null) {
      throw new IllegalStateException("a phase-0 network has no light upsampler or classifier");
    }
    return mlp;
  }

  private static NDArray apply(TrainMlp mlp, NDArray featureRows, Queries q, NDManager scope) {
    NDArray projected = mlp.project(featureRows, scope);
    NDArray offsets = mlp.offsetBias(q.scale, scope);
    return mlp.apply(projected, offsets, q);
  }

  @Override public void close() {
    store.close();
  }
}
