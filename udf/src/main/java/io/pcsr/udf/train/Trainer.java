package io.pcsr.udf.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import io.pcsr.udf.checkpoint.Checkpoint;
import io.pcsr.udf.checkpoint.CheckpointLoader;
import io.pcsr.udf.checkpoint.SafetensorsFormat;
import io.pcsr.udf.image.FloatImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Trains PCSR in one JVM with DJL's PyTorch engine, following the official two-phase recipe.
 *
 * <ul>
 *   <li>Phase 0: backbone + heavy upsampler, L1 loss on every queried HR pixel.
 *   <li>Phase 1: backbone and heavy upsampler frozen (BatchNorm in eval mode), light upsampler and
 *       classifier trained on the soft mixture p_light * light + p_heavy * heavy (+ bilinear), loss
 *       = 1000 * L1 + 3 * |sum p_heavy - N/2| / (N/2) over the batch's N queried pixels.
 * </ul>
 * Adam (betas from the options, as the official 0.9 / 0.99), cosine decay over the phase's
 * iterations. Each step's crops depend only on the seed and the step number, so a run resumed
 * from its last checkpoint sees the same data as an uninterrupted one.
 */
public final class Trainer {
  static final String STATE_MODEL = "pcsr-train-state";

  /** How a run ended. */
  public record Result(long iteration, boolean finished, Validation.Result validation,
      double elapsedSeconds, Path modelFile) {
    /** Validation PSNR gain over bicubic, NaN when there was no validation. */
    public double gainOverBicubic() {
      return validation == null ? Double.NaN : validation.psnr() - validation.bicubicPsnr();
    }
  }

  private final TrainOptions o;
  private final TrainListener listener;

  public Trainer(TrainOptions options, TrainListener listener) {
    this.o = options;
    this.listener = listener == null ? TrainListener.NONE : listener;
  }

  public Result run() throws IOException {
    Checkpoint phase0 = o.phase() == 1 ? requirePhase0() : null;
    Files.createDirectories(o.outDir());
    long start = 0;
    double elapsedBefore = 0;
    Checkpoint resumeModel = null;
    Checkpoint resumeState = null;
    if (Files.exists(o.modelFile()) || Files.exists(o.stateFile())) {
      if (!o.resume()) {
        throw new IllegalStateException(o.outDir() + " already holds a phase-" + o.phase()
            + " run (" + o.modelFile().getFileName() + "); resume it (--resume) or pick "
            + "another output folder");
      }
      if (!Files.exists(o.stateFile()) || !Files.exists(o.modelFile())) {
        throw new IllegalStateException("cannot resume: " + o.outDir() + " lacks "
            + (Files.exists(o.modelFile()) ? o.stateFile() : o.modelFile()));
      }
      resumeModel = CheckpointLoader.load(o.modelFile());
      resumeState = SafetensorsFormat.read(o.stateFile());
      start = resumeState.iteration().orElseThrow();
      if (resumeModel.iteration().orElse(-1) != start) {
        throw new IllegalStateException("cannot resume: model at iteration "
            + resumeModel.iteration().orElse(-1) + ", optimizer state at " + start);
      }
      elapsedBefore = ((Number) resumeState.args().getOrDefault("elapsed_s", 0.0)).doubleValue();
    }

    Engine.getInstance(); // loads libtorch before any JniUtils call
    JniUtils.setNumThreads(o.threads());
    TrainImages train = TrainImages.load(o.trainDir(), o.lrPatch() * o.scale());
    Validation validation = o.valDir() == null ? null
        : new Validation(TrainImages.load(o.valDir(), 4 * o.scale()), o.valCrop(), o.scale());
    listener.progress(String.format(Locale.ROOT, "phase %d: %s, %d training images (%.1f Mpx)%s",
        o.phase(), o.architecture().backbone(), train.images().size(), train.totalPixels() / 1e6,
        validation == null ? "" : ", " + validation.size() + " validation crops"));

    ExecutorService loader = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "pcsr-train-batches");
      t.setDaemon(true);
      return t;
    });
    try (NDManager root = NDManager.newBaseManager();
        PcsrTrainNet net = new PcsrTrainNet(o.architecture(), o.phase(), root, o.seed());
        Adam adam = new Adam(root, o.beta1(), o.beta2(), 1e-8)) {
      if (phase0 != null) {
        net.loadPhase0(phase0, o.phase0Checkpoint().toString());
      }
      if (resumeModel != null) {
        net.loadAll(resumeModel, o.modelFile().toString());
        Map<String, io.pcsr.udf.checkpoint.TensorData> st = resumeState.stateDict();
        adam.restore(st, ((Number) resumeState.args().get("adam_step")).longValue());
        listener.progress("resumed from " + o.modelFile() + " at iteration " + start);
      }
      TrainLog log = new TrainLog(o.logFile(), start);
      CosineSchedule schedule = new CosineSchedule(o.learningRate(), o.minLearningRate(),
          o.iterations());
      float[] mean = net.rgbMean();
      long t0 = System.nanoTime();
      long first = start + 1;
      Future<Batch> next = first <= o.iterations()
          ? loader.submit(() -> makeBatch(train, first, mean)) : null;
      double lossSum = 0;
      double l1Sum = 0;
      double avgSum = 0;
      double heavySum = 0;
      int logged = 0;
      long it = start;
      Validation.Result lastVal = null;
      boolean stoppedEarly = false;
      while (it < o.iterations()) {
        it++;
        Batch batch = take(next);
        long nextIt = it + 1;
        next = nextIt <= o.iterations() ? loader.submit(() -> makeBatch(train, nextIt, mean)) : null;
        double lr = schedule.at(it - 1);
        double[] losses = step(net, adam, batch, lr, root);
        lossSum += losses[0];
        l1Sum += losses[1];
        avgSum += losses[2];
        heavySum += losses[3];
        logged++;
        double elapsed = elapsedBefore + (System.nanoTime() - t0) / 1e9;
        boolean last = it == o.iterations();
        boolean outOfTime = o.maxSeconds() > 0 && (System.nanoTime() - t0) / 1e9 >= o.maxSeconds();
        boolean validate = validation != null
            && ((o.validateEvery() > 0 && it % o.validateEvery() == 0) || last || outOfTime);
        if (validate) {
          lastVal = validation.evaluate(net, root);
        }
        if (it % o.logEvery() == 0 || validate) {
          log.append(o.phase(), it, lossSum / logged, l1Sum / logged,
              o.phase() == 1 ? avgSum / logged : Double.NaN,
              o.phase() == 1 ? heavySum / logged : Double.NaN, lr, validate ? lastVal : null,
              elapsed);
          double perStep = (System.nanoTime() - t0) / 1e9 / (it - start);
          listener.progress(progressLine(it, lossSum / logged, lr, validate ? lastVal : null,
              perStep, elapsed));
          lossSum = l1Sum = avgSum = heavySum = 0;
          logged = 0;
          if (validate) {
            listener.validated(log.file());
          }
        }
        if ((o.saveEvery() > 0 && it % o.saveEvery() == 0) || last || outOfTime) {
          save(net, adam, it, elapsed);
        }
        if (outOfTime && !last) {
          stoppedEarly = true;
          listener.progress(String.format(Locale.ROOT, "stopping at iteration %d: time limit "
              + "of %d s reached; resume with --resume", it, o.maxSeconds()));
          break;
        }
      }
      if (next != null) {
        next.cancel(true);
      }
      double elapsed = elapsedBefore + (System.nanoTime() - t0) / 1e9;
      return new Result(it, !stoppedEarly && it >= o.iterations(), lastVal, elapsed,
          o.modelFile());
    } finally {
      loader.shutdownNow();
    }
  }

  private Checkpoint requirePhase0() throws IOException {
    Path p = o.phase0Checkpoint();
    if (p == null) {
      throw new IllegalStateException("phase 1 trains the light upsampler and classifier on top of "
          + "a trained phase-0 model: give its checkpoint (--phase0 DIR/phase0.safetensors); "
          + "run phase 0 first");
    }
    if (!Files.isRegularFile(p)) {
      throw new IllegalStateException("phase 1 needs a phase-0 checkpoint, but " + p
          + " does not exist; run phase 0 first");
    }
    Checkpoint c = CheckpointLoader.load(p);
    if (!io.pcsr.udf.model.PcsrModel.PHASE0.equals(c.modelName())) {
      throw new IllegalStateException("phase 1 needs a phase-0 checkpoint, but " + p + " holds a '"
          + c.modelName() + "' model");
    }
    return c;
  }

  /** The batch of step {@code it}: a function of (seed, it) only. */
  Batch makeBatch(TrainImages images, long it, float[] mean) {
    SplittableRandom rng = new SplittableRandom(o.seed() * 0x9E3779B97F4A7C15L + it);
    int hrSide = o.lrPatch() * o.scale();
    List<FloatImage> crops = new ArrayList<>(o.batch());
    for (int i = 0; i < o.batch(); i++) {
      crops.add(images.randomCrop(rng, hrSide, o.minGradient()));
    }
    return Batch.of(crops, o.scale(), mean, o.samplesPerCrop(), rng);
  }

  /** One optimisation step; returns {loss, l1, avg loss, mean p_heavy}. */
  static double[] step(PcsrTrainNet net, Adam adam, Batch batch, double lr, NDManager root) {
    double[] out = new double[4];
    try (NDManager m = root.newSubManager()) {
      NDArray lrArr = batch.lrArray(m);
      NDArray target = batch.targetArray(m);
      Queries q = batch.queries(m);
      if (net.phase() == 0) {
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          NDArray feats = net.features(lrArr, true);
          NDArray pred = net.heavy(feats, q, m);
          NDArray loss = Ops.l1(pred, target);
          gc.backward(loss);
          out[0] = out[1] = loss.getFloat();
        }
        out[2] = out[3] = Double.NaN;
      } else {
        // frozen part outside autograd: backbone in eval mode, heavy upsampler
        NDArray feats = net.features(lrArr, false);
        NDArray heavy = net.heavy(feats, q, m);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          NDArray prob = net.probabilities(feats, q, m);
          NDArray pred = PcsrTrainNet.mixture(prob, net.light(feats, q, m), heavy);
          NDArray l1 = Ops.l1(pred, target);
          double half = q.count() / 2.0;
          NDArray heavySum = prob.get(new NDIndex(":, 1")).sum();
          NDArray avg = heavySum.sub((float) half).abs().div((float) half);
          NDArray loss = l1.mul(1000f).add(avg.mul(3f));
          gc.backward(loss);
          out[0] = loss.getFloat();
          out[1] = l1.getFloat();
          out[2] = avg.getFloat();
          out[3] = heavySum.getFloat() / q.count();
        }
      }
      adam.update(net.store().trainable(), lr);
      net.store().zeroGradients();
    } finally {
      net.store().sweep();
    }
    return out;
  }

  private void save(PcsrTrainNet net, Adam adam, long it, double elapsed) throws IOException {
    SafetensorsFormat.write(net.checkpoint(it), o.modelFile());
    Map<String, Object> args = new LinkedHashMap<>();
    args.put("phase", (long) o.phase());
    args.put("adam_step", adam.step());
    args.put("elapsed_s", elapsed);
    args.put("seed", o.seed());
    args.put("iterations", o.iterations());
    SafetensorsFormat.write(new Checkpoint(STATE_MODEL, args, adam.state(), OptionalLong.of(it)),
        o.stateFile());
  }

  private String progressLine(long it, double loss, double lr, Validation.Result v,
      double perStep, double elapsed) {
    StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
        "phase %d iter %d/%d loss %.5f lr %.2e", o.phase(), it, o.iterations(), loss, lr));
    if (v != null) {
      s.append(String.format(Locale.ROOT, " | val %.3f dB (bicubic %.3f, %+.3f)", v.psnr(),
          v.bicubicPsnr(), v.psnr() - v.bicubicPsnr()));
      if (o.phase() == 1) {
        s.append(String.format(Locale.ROOT, " k=0 heavy %.1f%%, all-heavy %.3f dB",
            100 * v.heavyShare(), v.psnrAllHeavy()));
      }
    }
    long eta = Math.round(perStep * (o.iterations() - it));
    s.append(String.format(Locale.ROOT, " | %.3f s/it, %s elapsed, eta %s", perStep,
        hms(Math.round(elapsed)), hms(eta)));
    return s.toString();
  }

  static String hms(long s) {
    return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
  }

  private static Batch take(Future<Batch> f) throws IOException {
    return io.pcsr.udf.concurrent.Futures.await(f, "preparing a batch");
  }

}
