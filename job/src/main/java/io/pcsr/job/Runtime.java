package io.pcsr.job;

/** Process-wide settings every entry point needs before DJL or Spark start. */
final class Runtime {
  private Runtime() {}

  static final class Defaults {
    private Defaults() {}

    /**
     * DJL must never download natives or call home: the natives come from the
     * pytorch-native-cpu jar. Set unless the user set them.
     */
    static void apply() {
      setIfAbsent("ai.djl.offline", "true");
      setIfAbsent("OPT_OUT_TRACKING", "true");
      setIfAbsent("aws.disableEc2Metadata", "true");
    }

    private static void setIfAbsent(String key, String value) {
      if (System.getProperty(key) == null) {
        System.setProperty(key, value);
      }
    }
  }
}
