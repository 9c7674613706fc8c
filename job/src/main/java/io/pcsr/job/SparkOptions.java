package io.pcsr.job;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Option;

/** {@code --master} and {@code --conf}: how every Spark command gets its session. */
public final class SparkOptions {
  @Option(names = "--master", paramLabel = "URL",
      description = "Spark master when not under spark-submit (default local[*]).")
  String master;

  @Option(names = "--conf", paramLabel = "KEY=VALUE",
      description = "Any Spark, Hadoop (spark.hadoop.*) or spark.pcsr.* setting; repeatable.")
  Map<String, String> conf = new LinkedHashMap<>();

  /** The submitted session under spark-submit, else an embedded one; stop it with {@link #stop}. */
  SparkSession session(String app) {
    return Sessions.create(app, master, conf);
  }

  void stop(SparkSession spark) {
    Sessions.stopIfOwned(spark);
  }

  Map<String, String> conf() {
    return conf;
  }
}
