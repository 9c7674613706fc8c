package io.pcsr.udf.infer;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

class NativeCheckTest {
  @Test
  void theBundledLibtorchPasses() {
    try (NDManager m = NDManager.newBaseManager()) {
      assertDoesNotThrow(() -> NativeCheck.verify(m));
    }
  }

  @Test
  void aFailureNamesTheLibraryTheExpectedReleaseAndTheFix() {
    String message = NativeCheck.explain("set_stride is not allowed on a Tensor created from"
        + " .data or .detach().\nIf your intent is to change the metadata...", "/opt/torch/lib");
    assertEquals("libtorch at /opt/torch/lib does not work with DJL's PyTorch JNI, which is built"
        + " for libtorch 2.7.1 (a tensor round trip failed: set_stride is not allowed on a Tensor"
        + " created from .data or .detach().). Point PYTORCH_LIBRARY_PATH at the lib/ folder of a"
        + " libtorch 2.7.1 build (CPU, or cu128 for NVIDIA GPUs), or unset it to use the CPU natives"
        + " bundled with the job", message);
  }
}
