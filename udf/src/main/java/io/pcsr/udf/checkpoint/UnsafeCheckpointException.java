package io.pcsr.udf.checkpoint;

/**
 * A checkpoint whose pickle asks for something a state dict never needs (a global outside the
 * allow-list, or an object-building opcode). Refused before anything is executed: a pickle like
 * that is how a malicious file runs code when Python's {@code torch.load} opens it.
 */
public class UnsafeCheckpointException extends CheckpointException {
  private static final long serialVersionUID = 1L;

  public UnsafeCheckpointException(String message) {
    super(message);
  }
}
