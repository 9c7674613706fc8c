package io.pcsr.job;

import io.pcsr.udf.model.Precision;
import picocli.CommandLine.Option;

/** {@code --precision}: the number format the model computes in (see {@link Precision}). */
public final class PrecisionOption {
  @Option(names = "--precision", paramLabel = "TYPE", defaultValue = PcsrConf.PRECISION_DEFAULT,
      description = "Model weights and activations: float32 (default) or float16; bfloat16 is "
          + "refused (DJL 0.36 aborts the JVM on it). Results are float32 either way.")
  String precision;

  /** The parsed precision, refused here (not in the engine) if this build cannot run it. */
  Precision resolve() {
    Precision p = Precision.parse(precision);
    p.requireRunnable();
    return p;
  }
}
