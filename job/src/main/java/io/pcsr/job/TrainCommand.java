package io.pcsr.job;

import io.pcsr.udf.train.Architecture;
import io.pcsr.udf.train.TrainListener;
import io.pcsr.udf.train.TrainOptions;
import io.pcsr.udf.train.Trainer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code pcsr train}: the official two-phase PCSR recipe in one JVM on the CPU. */
@Command(name = "train", mixinStandardHelpOptions = true,
    subcommands = {TrainEvaluateCommand.class},
    description = {
        "Train PCSR (DJL PyTorch engine, CPU, one JVM). Phase 0: backbone + heavy upsampler, L1. "
            + "Phase 1: backbone and heavy frozen; light upsampler + classifier on the soft "
            + "mixture, loss 1000*L1 + 3*|sum p_heavy - N/2|/(N/2). Adam (0.9, 0.99), cosine decay.",
        "Writes OUT/phaseP.safetensors (official keys and args), OUT/phaseP-optimizer.safetensors, "
            + "OUT/phaseP-log.csv and OUT/phaseP-curve.png; --resume continues from them."})
public final class TrainCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  // not picocli-required: `train evaluate` must run without them
  @Option(names = "--phase", description = "0 or 1 (required).")
  Integer phase;

  @Option(names = "--backbone", defaultValue = "fsrcnn",
      description = "fsrcnn, carn or srresnet, with the official x4 PCSR widths (default fsrcnn).")
  String backbone;

  @Option(names = "--data", paramLabel = "DIR",
      description = "Folder of HR training images, required (deploy/fetch-training-data.sh: data/train).")
  Path data;

  @Option(names = "--val", paramLabel = "DIR",
      description = "Folder of HR validation images (data/val); none: no validation.")
  Path val;

  @Option(names = "--out", paramLabel = "DIR", description = "Run folder (required).")
  Path out;

  @Option(names = "--phase0", paramLabel = "FILE",
      description = "Phase 1: the phase-0 checkpoint to start from (default OUT/phase0.safetensors).")
  Path phase0;

  @Option(names = "--iterations", defaultValue = "20000", description = "Steps of this phase (cosine period).")
  long iterations;

  @Option(names = "--batch", defaultValue = "32", description = "Crops per step (default 32).")
  int batch;

  @Option(names = "--patch", defaultValue = "24", description = "LR crop side; HR = 4x (default 24).")
  int patch;

  @Option(names = "--samples", defaultValue = "2048",
      description = "HR pixels supervised per crop, 0 = all (default 2048).")
  int samples;

  @Option(names = "--lr", description = "Initial learning rate (default 1e-3 FSRCNN, 2e-4 others).")
  Double lr;

  @Option(names = "--min-lr", defaultValue = "1e-6", description = "End of the cosine decay.")
  double minLr;

  @Option(names = "--min-gradient", defaultValue = "0.01",
      description = "Reject crops flatter than this mean absolute gradient ([0,1] units).")
  double minGradient;

  @Option(names = "--seed", defaultValue = "1") long seed;

  @Option(names = "--log-every", defaultValue = "50") int logEvery;

  @Option(names = "--validate-every", defaultValue = "500") int validateEvery;

  @Option(names = "--save-every", defaultValue = "500") int saveEvery;

  @Option(names = "--val-crop", defaultValue = "192",
      description = "HR side of the centre crop validated per image (default 192).")
  int valCrop;

  @Option(names = "--threads", defaultValue = "1", description = "Torch threads (default 1).")
  int threads;

  @Option(names = "--resume", description = "Continue the run in OUT from its last checkpoint.")
  boolean resume;

  @Option(names = "--max-minutes", defaultValue = "0",
      description = "Save and stop after this many minutes (0: no limit); --resume continues.")
  double maxMinutes;

  @Override public Integer call() throws Exception {
    if (phase == null || data == null || out == null) {
      throw new ParameterException(spec.commandLine(),
          "pcsr train needs --phase, --data and --out (or the subcommand 'evaluate')");
    }
    Architecture arch = Architecture.official(backbone);
    TrainOptions o = TrainOptions.defaults(phase, arch, data, val, out)
        .withIterations(iterations)
        .withBatch(batch, patch, samples)
        .withCadence(logEvery, validateEvery, saveEvery)
        .withMisc(seed, minGradient, valCrop, threads, resume, Math.round(maxMinutes * 60));
    o = o.withSchedule(lr != null ? lr : o.learningRate(), minLr);
    if (phase == 1) {
      o = o.withPhase0(phase0 != null ? phase0 : out.resolve("phase0.safetensors"));
    }
    PrintWriter w = spec.commandLine().getOut();
    Path chart = out.resolve("phase" + phase + "-curve.png");
    Trainer.Result r = new Trainer(o, new TrainListener() {
      @Override public void progress(String line) {
        w.println(line);
        w.flush();
      }

      @Override public void validated(Path csvLog) {
        try {
          TrainChart.render(csvLog, chart, "PCSR " + backbone + " phase " + phase);
        } catch (Exception e) {
          w.println("pcsr train: could not draw " + chart + ": " + e.getMessage());
        }
      }
    }).run();
    w.println(String.format(Locale.ROOT, "%s at iteration %d after %s: %s%s",
        r.finished() ? "finished" : "stopped", r.iteration(), hms(r.elapsedSeconds()), r.modelFile(),
        Double.isNaN(r.gainOverBicubic()) ? ""
            : String.format(Locale.ROOT, " (validation %+.3f dB over bicubic)", r.gainOverBicubic())));
    w.flush();
    return 0;
  }

  private static String hms(double seconds) {
    long s = Math.round(seconds);
    return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
  }
}
