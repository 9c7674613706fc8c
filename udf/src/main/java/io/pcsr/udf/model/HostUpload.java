package io.pcsr.udf.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Moves JVM arrays into tensors by letting libtorch allocate a host tensor and writing the values
 * straight into its memory, then moving it to the manager's device when that is a GPU.
 *
 * <p>Why not {@code NDManager.create(float[])}: that copies the array into a fresh direct buffer and
 * hands it to libtorch's {@code from_blob}, one more copy than this. It is also the one DJL call
 * that breaks when DJL's JNI (built for libtorch 2.7) runs on libtorch 2.10 or newer, whose
 * {@code from_blob} refuses the tensor the JNI makes ("set_stride is not allowed on a Tensor
 * created from .data or .detach()"). GPU hosts often carry only a newer libtorch.
 */
public final class HostUpload {
  private HostUpload() {}

  /** A float32 tensor of {@code shape} holding {@code values} (row-major), on the manager's device. */
  public static NDArray floats(NDManager manager, float[] values, Shape shape) {
    checkSize(values.length, shape);
    return upload(manager, shape, DataType.FLOAT32, b -> b.asFloatBuffer().put(values));
  }

  /** An int64 tensor holding {@code values}, shape {@code (values.length)}. */
  public static NDArray longs(NDManager manager, long[] values) {
    return upload(manager, new Shape(values.length), DataType.INT64,
        b -> b.asLongBuffer().put(values));
  }

  private static void checkSize(int length, Shape shape) {
    if (shape.size() != length) {
      throw new IllegalArgumentException(length + " values do not fill shape " + shape);
    }
  }

  private static NDArray upload(NDManager manager, Shape shape, DataType type,
      java.util.function.Consumer<ByteBuffer> fill) {
    Device device = manager.getDevice();
    if (!device.isGpu()) {
      NDArray host = manager.create(shape, type);
      write(host, fill);
      return host;
    }
    try (NDManager staging = manager.newSubManager(Device.cpu())) {
      NDArray host = staging.create(shape, type);
      write(host, fill);
      NDArray moved = host.toDevice(device, false);
      moved.attach(manager);
      return moved;
    }
  }

  /** Writes through a buffer that aliases the tensor's memory (a fresh tensor is contiguous). */
  private static void write(NDArray host, java.util.function.Consumer<ByteBuffer> fill) {
    if (host.size() == 0) {
      return;
    }
    ByteBuffer memory = ((PtNDArray) host).toByteBuffer(true).order(ByteOrder.nativeOrder());
    fill.accept(memory);
  }
}
