package io.pcsr.udf.infer;

/**
 * Whether this JVM can run {@link VectorMlp}: the incubating {@code jdk.incubator.vector} module
 * must be resolved at start-up ({@code --add-modules=jdk.incubator.vector}, which the launcher,
 * the test runner and the cluster scripts pass). Without it the engine runs the light
 * upsampler and the classifier through libtorch, with the same results (to float rounding) and
 * more time.
 */
public final class VectorMlpSupport {
  /** Set to false to keep the narrow MLPs in libtorch even where the module is present. */
  public static final String ENABLED_PROPERTY = "pcsr.vector.mlp";

  private static final String MODULE = "jdk.incubator.vector";
  private static final boolean MODULE_PRESENT = ModuleLayer.boot().findModule(MODULE).isPresent();

  private VectorMlpSupport() {}

  /** Module resolved and not switched off by {@link #ENABLED_PROPERTY}. */
  public static boolean usable() {
    return MODULE_PRESENT && !"false".equalsIgnoreCase(System.getProperty(ENABLED_PROPERTY));
  }

  /** Why the narrow MLPs run in libtorch, where {@link #usable()} is false: for logs. */
  public static String describe() {
    return MODULE_PRESENT
        ? "light upsampler and classifier: libtorch (" + ENABLED_PROPERTY + "=false)"
        : "light upsampler and classifier: libtorch (start the JVM with --add-modules=" + MODULE
            + " for the faster SIMD path)";
  }
}
