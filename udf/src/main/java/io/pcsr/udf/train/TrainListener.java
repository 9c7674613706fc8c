package io.pcsr.udf.train;

import java.nio.file.Path;

/** What the trainer reports while it runs (the CLI prints lines and redraws its chart). */
public interface TrainListener {
  /** A human-readable progress line. */
  default void progress(String line) {}

  /** The CSV log gained a validation row. */
  default void validated(Path csvLog) {}

  TrainListener NONE = new TrainListener() {};
}
