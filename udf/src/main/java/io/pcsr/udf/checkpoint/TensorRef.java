package io.pcsr.udf.checkpoint;

import java.util.List;

/**
 * A tensor as {@code torch._utils._rebuild_tensor_v2} describes it: a strided view of a
 * storage. Materialised later, and only for tensors the caller needs (not optimizer state).
 */
record TensorRef(StorageRef storage, long storageOffset, long[] size, long[] stride) {

  /** From the arguments {@code (storage, offset, size, stride, requires_grad, hooks[, meta])}. */
  static TensorRef fromRebuildArgs(List<Object> args, String where) throws CheckpointException {
    if (args.size() < 4 || args.size() > 7) {
      throw new CheckpointException(where + ": _rebuild_tensor_v2 called with " + args.size()
          + " arguments, expected 6 or 7");
    }
    if (!(args.get(0) instanceof StorageRef storage)) {
      throw new CheckpointException(where + ": _rebuild_tensor_v2 needs a storage, got "
          + PickleValues.describe(args.get(0)));
    }
    if (!(args.get(1) instanceof Long offset) || offset < 0) {
      throw new CheckpointException(where + ": bad storage offset "
          + PickleValues.describe(args.get(1)));
    }
    long[] size = longs(args.get(2), "size", where);
    long[] stride = longs(args.get(3), "stride", where);
    if (size.length != stride.length) {
      throw new CheckpointException(where + ": tensor size has " + size.length
          + " dimensions but stride has " + stride.length);
    }
    return new TensorRef(storage, offset, size, stride);
  }

  private static long[] longs(Object value, String what, String where)
      throws CheckpointException {
    if (!(value instanceof PyTuple tuple)) {
      throw new CheckpointException(where + ": tensor " + what + " must be a tuple, got "
          + PickleValues.describe(value));
    }
    long[] out = new long[tuple.size()];
    for (int i = 0; i < out.length; i++) {
      if (!(tuple.get(i) instanceof Long v) || v < 0) {
        throw new CheckpointException(where + ": tensor " + what
            + " must hold non-negative integers, got " + PickleValues.describe(tuple.get(i)));
      }
      out[i] = v;
    }
    return out;
  }
}
