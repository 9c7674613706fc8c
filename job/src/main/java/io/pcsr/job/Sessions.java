package io.pcsr.job;

import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** The SparkSession of a command: the submitted one under spark-submit, else an embedded one. */
final class Sessions {
  private static boolean owned;

  private Sessions() {}

  static SparkSession create(String app, String master, Map<String, String> conf) {
    SparkConf sc = new SparkConf(true); // picks up spark.* system properties (spark-submit)
    boolean submitted = sc.contains("spark.master");
    // a session that was already there (a test's, a notebook's) belongs to whoever made it
    boolean existed = SparkSession.getDefaultSession().isDefined();
    SparkSession.Builder b = SparkSession.builder().appName(app);
    if (!submitted) {
      b.master(master != null ? master : "local[*]")
          .config("spark.driver.host", "127.0.0.1")
          .config("spark.driver.bindAddress", "127.0.0.1")
          .config("spark.ui.enabled", "false")
          .config("spark.ui.showConsoleProgress", "true")
          .config("spark.sql.shuffle.partitions", "8");
      owned = !existed;
    }
    conf.forEach(b::config);
    return b.getOrCreate();
  }

  static void stopIfOwned(SparkSession spark) {
    if (owned) {
      spark.stop();
    }
  }
}
