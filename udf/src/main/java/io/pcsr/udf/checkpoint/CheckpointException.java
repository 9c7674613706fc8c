package io.pcsr.udf.checkpoint;

import java.io.IOException;

/**
 * A checkpoint file that cannot be read: truncated, corrupt, of an unknown layout, or larger than
 * the configured limits. The message names the file and what is wrong with it.
 */
public class CheckpointException extends IOException {
  private static final long serialVersionUID = 1L;

  public CheckpointException(String message) {
    super(message);
  }

  public CheckpointException(String message, Throwable cause) {
    super(message, cause);
  }
}
