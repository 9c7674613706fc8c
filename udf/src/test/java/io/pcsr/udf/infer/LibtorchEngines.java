package io.pcsr.udf.infer;

import io.pcsr.udf.model.PcsrModel;

/**
 * Engines that keep the narrow MLPs (light upsampler, classifier) in libtorch, as on a GPU or
 * without the vector module: the tests of libtorch's device-side layouts need them, since a CPU
 * test JVM would otherwise run those MLPs on the JVM's SIMD units.
 */
final class LibtorchEngines {
  private LibtorchEngines() {}

  static PcsrEngine of(PcsrModel model, int scale, int chunk) {
    String before = System.getProperty(VectorMlpSupport.ENABLED_PROPERTY);
    System.setProperty(VectorMlpSupport.ENABLED_PROPERTY, "false");
    try {
      return new PcsrEngine(model, scale, chunk);
    } finally {
      if (before == null) {
        System.clearProperty(VectorMlpSupport.ENABLED_PROPERTY);
      } else {
        System.setProperty(VectorMlpSupport.ENABLED_PROPERTY, before);
      }
    }
  }
}
