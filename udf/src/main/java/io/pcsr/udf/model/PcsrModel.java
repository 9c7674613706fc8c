package io.pcsr.udf.model;

import ai.djl.ndarray.NDManager;
import io.pcsr.udf.checkpoint.Checkpoint;

/**
 * PCSR: a backbone without its upsampling tail, a classifier MLP giving light/heavy logits per
 * HR pixel, and the light and heavy upsampler MLPs. Weights live in a manager owned by this
 * model; one instance serves every inference thread of a JVM (weights are only read).
 */
public final class PcsrModel implements AutoCloseable {
  /** Model names of PCSR checkpoints in the official registry. */
  public static final String PHASE1 = "pcsr-phase1";
  public static final String PHASE0 = "pcsr-phase0";

  private final String source;
  private final String backboneName;
  private final NDManager manager;
  private final Backbone backbone;
  private final PixelMlp heavy;
  private final PixelMlp light;
  private final PixelMlp classifier;
  private final float[] rgbMean;
  private final Precision precision;

  private PcsrModel(String source, String backboneName, NDManager manager, Backbone backbone,
      PixelMlp heavy, PixelMlp light, PixelMlp classifier, Precision precision) {
    this.source = source;
    this.backboneName = backboneName;
    this.manager = manager;
    this.backbone = backbone;
    this.heavy = heavy;
    this.light = light;
    this.classifier = classifier;
    this.rgbMean = Backbones.rgbMean(backboneName);
    this.precision = precision;
  }

  /** Builds the architecture from the checkpoint's args and loads its weights (float32). */
  public static PcsrModel fromCheckpoint(Checkpoint ckpt, NDManager parent, String source) {
    return fromCheckpoint(ckpt, parent, source, Precision.FLOAT32);
  }

  /**
   * As above, with weights (and so every activation computed from them) in {@code precision}.
   * A precision this build cannot run is refused before any weight is created.
   */
  public static PcsrModel fromCheckpoint(Checkpoint ckpt, NDManager parent, String source,
      Precision precision) {
    precision.requireRunnable();
    if (!PHASE1.equals(ckpt.modelName())) {
      throw new IllegalArgumentException("checkpoint " + source + " holds a '" + ckpt.modelName()
          + "' model, not a trained PCSR model ('" + PHASE1 + "')");
    }
    NDManager manager = parent.newSubManager();
    try {
      ModelArgs args = new ModelArgs(ckpt.args(), "");
      ModelArgs enc = args.child("encoder_spec");
      String name = enc.string("name");
      Weights w = new Weights(ckpt, manager, source, precision);
      Backbone backbone = Backbones.create(name, enc.child("args"), w.at("encoder"));
      int c = backbone.channels();
      PixelMlp heavy = PixelMlp.upsampler(w.at("heavy_sampler.imnet"), c, hidden(args, "heavy_sampler_spec"));
      PixelMlp light = PixelMlp.upsampler(w.at("light_sampler.imnet"), c, hidden(args, "light_sampler_spec"));
      PixelMlp cls = PixelMlp.classifier(w.at("classifier.imnet"), c, hidden(args, "classifier_spec"));
      if (!w.unusedKeys().isEmpty()) {
        throw new IllegalArgumentException("checkpoint " + source + " has tensors its declared "
            + "architecture does not use: " + w.unusedKeys());
      }
      return new PcsrModel(source, name, manager, backbone, heavy, light, cls, precision);
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  private static java.util.List<Integer> hidden(ModelArgs args, String spec) {
    return args.child(spec).child("args").child("imnet_spec").child("args").integers("hidden_list");
  }

  public String source() { return source; }
  public String backboneName() { return backboneName; }
  public Backbone backbone() { return backbone; }
  public PixelMlp heavy() { return heavy; }
  public PixelMlp light() { return light; }
  public PixelMlp classifier() { return classifier; }
  /** Number format of the weights; the engine feeds activations in the same format. */
  public Precision precision() { return precision; }
  /** RGB mean subtracted before the model and added back after (all zero for most backbones). */
  public float[] rgbMean() { return rgbMean.clone(); }

  /**
   * The official routing cost list: FLOPs of [encoder + light, encoder + heavy] on a 16x16 LR
   * input at this scale in the official counter's convention, normalised to sum 1.
   */
  public double[] routingCost(int scale) {
    double lrPixels = 16 * 16;
    double hrPixels = Math.round(16.0 * scale) * Math.round(16.0 * scale);
    double enc = backbone.costPerLrPixel().paper() * lrPixels;
    double l = enc + light.paperFlopsPerHrPixel() * hrPixels;
    double h = enc + heavy.paperFlopsPerHrPixel() * hrPixels;
    return new double[] {l / (l + h), h / (l + h)};
  }

  @Override public void close() {
    backbone.close();
    heavy.close();
    light.close();
    classifier.close();
    manager.close();
  }

  /** The device the weights live on, where an engine on this model computes. */
  public ai.djl.Device device() { return manager.getDevice(); }
}
