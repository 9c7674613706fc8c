package io.pcsr.udf.checkpoint;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Turns a strided tensor view into a contiguous {@link TensorData}: bounds-checks the view
 * against its storage, then copies it in one block when it is already row-major, or gathers it
 * element by element when strides differ (transposed or expanded tensors).
 */
final class TensorAssembler {
  private TensorAssembler() {}

  static TensorData assemble(String name, TensorRef ref, ByteBuffer storageBytes,
      ReadLimits limits, String source) throws CheckpointException {
    long[] size = ref.size();
    long[] stride = ref.stride();
    long numel = 1;
    try {
      for (long d : size) {
        numel = Math.multiplyExact(numel, d);
      }
    } catch (ArithmeticException e) {
      throw new CheckpointException(source + ": tensor '" + name + "' has an impossible shape "
          + Arrays.toString(size));
    }
    if (numel > limits.maxTensorElements() || numel > TensorData.MAX_ELEMENTS) {
      throw new CheckpointException(source + ": tensor '" + name + "' has " + numel
          + " elements, more than the limit of "
          + Math.min(limits.maxTensorElements(), TensorData.MAX_ELEMENTS));
    }
    StorageRef storage = ref.storage();
    if (numel > 0) {
      long last = lastElement(ref, name, source);
      if (last >= storage.numel()) {
        throw new CheckpointException(source + ": tensor '" + name + "' (offset "
            + ref.storageOffset() + ", size " + Arrays.toString(size) + ", stride "
            + Arrays.toString(stride) + ") reaches element " + last + " of a storage with only "
            + storage.numel() + " elements");
      }
    }
    int elementSize = storage.type().byteSize();
    if (numel == 0 || isRowMajor(size, stride)) {
      ByteBuffer view = storageBytes.duplicate().order(storageBytes.order());
      view.position((int) (numel == 0 ? 0 : ref.storageOffset() * elementSize));
      return TensorData.read(storage.type(), size, view.slice().order(storageBytes.order()),
          null);
    }
    return TensorData.read(storage.type(), size, storageBytes,
        gatherIndices(size, stride, ref.storageOffset(), (int) numel));
  }

  /** The storage index of the view's last element (all indices are non-negative). */
  private static long lastElement(TensorRef ref, String name, String source)
      throws CheckpointException {
    try {
      long last = ref.storageOffset();
      for (int i = 0; i < ref.size().length; i++) {
        last = Math.addExact(last, Math.multiplyExact(ref.size()[i] - 1, ref.stride()[i]));
      }
      return last;
    } catch (ArithmeticException e) {
      throw new CheckpointException(source + ": tensor '" + name + "' has impossible strides");
    }
  }

  /** True when the strides are those of a contiguous row-major array (size-1 dims ignored). */
  static boolean isRowMajor(long[] size, long[] stride) {
    long expected = 1;
    for (int i = size.length - 1; i >= 0; i--) {
      if (size[i] != 1 && stride[i] != expected) {
        return false;
      }
      expected *= size[i];
    }
    return true;
  }

  /** Storage index of each element in row-major order, walking the view like an odometer. */
  static int[] gatherIndices(long[] size, long[] stride, long offset, int numel) {
    int[] indices = new int[numel];
    long[] counter = new long[size.length];
    long pos = offset;
    for (int i = 0; i < numel; i++) {
      indices[i] = (int) pos;
      for (int d = size.length - 1; d >= 0; d--) {
        if (++counter[d] < size[d]) {
          pos += stride[d];
          break;
        }
        pos -= stride[d] * (size[d] - 1);
        counter[d] = 0;
      }
    }
    return indices;
  }
}
