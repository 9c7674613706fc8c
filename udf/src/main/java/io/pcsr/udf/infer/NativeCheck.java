package io.pcsr.udf.infer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.LibUtils;
import java.util.Arrays;

/**
 * A tensor round trip through libtorch, run once per JVM before the first model loads. DJL's JNI
 * is compiled against one libtorch release and misreads the tensors of another (seen with the
 * 2.7.1 JNI on libtorch 2.11: "set_stride is not allowed on a Tensor created from .data or
 * .detach()" from the first tensor made). Checking here turns that into one message naming the
 * cause and the fix, on every executor, before any image is read.
 */
final class NativeCheck {
  /** The libtorch release DJL's JNI (ai.djl.pytorch:pytorch-jni 2.7.1-0.36.0) is built for. */
  static final String JNI_LIBTORCH = "2.7.1";

  private static volatile boolean passed;

  private NativeCheck() {}

  static void verify(NDManager parent) {
    if (passed) {
      return;
    }
    synchronized (NativeCheck.class) {
      if (passed) {
        return;
      }
      float[] probe = {1.5f, -2f, 3.25f, 0f, 7f, -0.5f};
      float[] back;
      try (NDManager m = parent.newSubManager();
          NDArray a = m.create(probe, new Shape(2, 3));
          NDArray doubled = a.add(a)) {
        back = doubled.toFloatArray();
      } catch (RuntimeException | LinkageError e) {
        throw new IllegalStateException(explain(String.valueOf(e.getMessage()), libtorchPath()), e);
      }
      for (int i = 0; i < probe.length; i++) {
        if (back.length != probe.length || back[i] != 2 * probe[i]) {
          throw new IllegalStateException(explain("doubling " + Arrays.toString(probe)
              + " returned " + Arrays.toString(back), libtorchPath()));
        }
      }
      passed = true;
    }
  }

  static String explain(String failure, String libtorch) {
    String first = failure.lines().findFirst().orElse("no message");
    return "libtorch at " + libtorch + " does not work with DJL's PyTorch JNI, which is built for"
        + " libtorch " + JNI_LIBTORCH + " (a tensor round trip failed: " + first + "). Point"
        + " PYTORCH_LIBRARY_PATH at the lib/ folder of a libtorch " + JNI_LIBTORCH + " build (CPU,"
        + " or cu128 for NVIDIA GPUs), or unset it to use the CPU natives bundled with the job";
  }

  private static String libtorchPath() {
    try {
      return LibUtils.getLibtorchPath();
    } catch (RuntimeException e) {
      return "(path unknown)";
    }
  }
}
