package io.pcsr.udf.infer;

/**
 * Whether this JVM can run the engine's host SIMD kernels ({@link VectorMlp}, and CARN's
 * backbone): the incubating {@code jdk.incubator.vector} module must be resolved at
 * start-up ({@code --add-modules=jdk.incubator.vector}, which the launcher, the test runner and
 * the cluster scripts pass). Without it the engine runs the MLPs and the backbone through
 * libtorch, with the same results (to float rounding) and more time.
 */
public final class VectorMlpSupport {
  /**
   * Set to false to keep the MLPs and the backbone in libtorch even where the module is
   * present. (Named when the MLPs were the only host kernels.)
   */
  public static final String ENABLED_PROPERTY = "pcsr.vector.mlp";

  private static final String MODULE = "jdk.incubator.vector";
  private static final boolean MODULE_PRESENT = ModuleLayer.boot().findModule(MODULE).isPresent();

  private VectorMlpSupport() {}

  /** Module resolved and not switched off by {@link #ENABLED_PROPERTY}. */
  public static boolean usable() {
    return MODULE_PRESENT && !"false".equalsIgnoreCase(System.getProperty(ENABLED_PROPERTY));
  }

  /** Why the host kernels' work runs in libtorch, where {@link #usable()} is false: for logs. */
  public static String describe() {
    String what = "light upsampler, classifier and backbone: libtorch (";
    return MODULE_PRESENT
        ? what + ENABLED_PROPERTY + "=false)"
        : what + "start the JVM with --add-modules=" + MODULE + " for the faster SIMD path)";
  }
}
