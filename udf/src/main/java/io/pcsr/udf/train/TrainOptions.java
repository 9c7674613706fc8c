package io.pcsr.udf.train;

import java.nio.file.Path;

/**
 * Everything that defines a training run.
 *
 * @param phase 0 (backbone + heavy upsampler, L1) or 1 (light upsampler + classifier on the
 *     frozen phase-0 model)
 * @param architecture the model to train (args as in the official configs)
 * @param scale upscaling factor (the official models are x4 only)
 * @param trainDir folder of HR training images
 * @param valDir folder of HR validation images (may be null: no validation)
 * @param outDir where checkpoints, the optimizer state and the CSV log go
 * @param phase0Checkpoint phase 1 only: the phase-0 model it starts from
 * @param iterations total optimisation steps of this phase (the cosine period)
 * @param batch crops per step
 * @param lrPatch LR crop side (the HR crop is scale times larger)
 * @param samplesPerCrop HR pixels supervised per crop, 0 for all of them
 * @param learningRate initial Adam learning rate
 * @param minLearningRate end of the cosine decay
 * @param beta1 Adam beta1 (official 0.9)
 * @param beta2 Adam beta2 (official 0.99)
 * @param minGradient flat-crop rejection threshold (mean absolute luma gradient, [0,1] units)
 * @param seed seeds initialisation and the crops (the crops of step i depend only on seed and i)
 * @param logEvery steps between progress lines / CSV rows
 * @param validateEvery steps between validations (0: only at the end)
 * @param saveEvery steps between checkpoints (always at the end too)
 * @param valCrop HR side of the centre crop validated per validation image
 * @param threads torch intra-op threads
 * @param resume continue from the checkpoint in outDir instead of refusing to overwrite it
 * @param maxSeconds stop (after saving) once this much wall time was spent in this run; 0: no limit
 */
public record TrainOptions(int phase, Architecture architecture, int scale, Path trainDir,
    Path valDir, Path outDir, Path phase0Checkpoint, long iterations, int batch, int lrPatch,
    int samplesPerCrop, double learningRate, double minLearningRate, double beta1, double beta2,
    double minGradient, long seed, int logEvery, int validateEvery, int saveEvery, int valCrop,
    int threads, boolean resume, long maxSeconds) {

  public TrainOptions {
    if (phase != 0 && phase != 1) {
      throw new IllegalArgumentException("phase must be 0 or 1, got " + phase);
    }
    if (scale < 1 || iterations < 1 || batch < 1 || lrPatch < 4) {
      throw new IllegalArgumentException("scale, iterations, batch must be positive and the LR "
          + "patch at least 4 px");
    }
    if (samplesPerCrop < 0) {
      throw new IllegalArgumentException("samples per crop must be >= 0 (0 = all HR pixels)");
    }
    if (logEvery < 1) {
      throw new IllegalArgumentException("logEvery must be positive");
    }
  }

  /** The official recipe's optimiser settings with small-CPU sizes; adjust with the withers. */
  public static TrainOptions defaults(int phase, Architecture arch, Path trainDir, Path valDir,
      Path outDir) {
    double lr = arch.backbone().equals("fsrcnn") ? 1e-3 : 2e-4;
    return new TrainOptions(phase, arch, 4, trainDir, valDir, outDir, null, 20_000, 16, 32, 0,
        lr, 1e-7, 0.9, 0.99, 0.01, 1, 50, 1000, 1000, 192, 1, false, 0);
  }

  public TrainOptions withIterations(long n) {
    return new TrainOptions(phase, architecture, scale, trainDir, valDir, outDir, phase0Checkpoint,
        n, batch, lrPatch, samplesPerCrop, learningRate, minLearningRate, beta1, beta2,
        minGradient, seed, logEvery, validateEvery, saveEvery, valCrop, threads, resume, maxSeconds);
  }

  public TrainOptions withPhase0(Path p) {
    return new TrainOptions(phase, architecture, scale, trainDir, valDir, outDir, p,
        iterations, batch, lrPatch, samplesPerCrop, learningRate, minLearningRate, beta1, beta2,
        minGradient, seed, logEvery, validateEvery, saveEvery, valCrop, threads, resume, maxSeconds);
  }

  public TrainOptions withBatch(int batch, int lrPatch, int samplesPerCrop) {
    return new TrainOptions(phase, architecture, scale, trainDir, valDir, outDir, phase0Checkpoint,
        iterations, batch, lrPatch, samplesPerCrop, learningRate, minLearningRate, beta1, beta2,
        minGradient, seed, logEvery, validateEvery, saveEvery, valCrop, threads, resume, maxSeconds);
  }

  public TrainOptions withSchedule(double lr, double minLr) {
    return new TrainOptions(phase, architecture, scale, trainDir, valDir, outDir, phase0Checkpoint,
        iterations, batch, lrPatch, samplesPerCrop, lr, minLr, beta1, beta2,
        minGradient, seed, logEvery, validateEvery, saveEvery, valCrop, threads, resume, maxSeconds);
  }

  public TrainOptions withCadence(int logEvery, int validateEvery, int saveEvery) {
    return new TrainOptions(phase, architecture, scale, trainDir, valDir, outDir, phase0Checkpoint,
        iterations, batch, lrPatch, samplesPerCrop, learningRate, minLearningRate, beta1, beta2,
        minGradient, seed, logEvery, validateEvery, saveEvery, valCrop, threads, resume, maxSeconds);
  }

  public TrainOptions withMisc(long seed, double minGradient, int valCrop, int threads,
      boolean resume, long maxSeconds) {
    return new TrainOptions(phase, architecture, scale, trainDir, valDir, outDir, phase0Checkpoint,
        iterations, batch, lrPatch, samplesPerCrop, learningRate, minLearningRate, beta1, beta2,
        minGradient, seed, logEvery, validateEvery, saveEvery, valCrop, threads, resume, maxSeconds);
  }

  /** The model checkpoint of this phase in outDir. */
  public Path modelFile() { return outDir.resolve("phase" + phase + ".safetensors"); }

  /** The optimizer state (Adam moments, step, elapsed time) beside it. */
  public Path stateFile() { return outDir.resolve("phase" + phase + "-optimizer.safetensors"); }

  public Path logFile() { return outDir.resolve("phase" + phase + "-log.csv"); }
}
