package io.pcsr.job;

import com.holdenkarau.spark.testing.JavaDataFrameSuiteBase;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * The one local Spark every Spark test shares (local[2,2], loopback only), with
 * spark-testing-base's DataFrame assertions. Its lifecycle hooks are JUnit 4 annotations, which
 * Jupiter ignores, so they are called here.
 */
public abstract class SparkTestBase extends JavaDataFrameSuiteBase {

  @BeforeEach
  void startSpark() {
    runBefore();
  }

  @AfterAll
  static void stopSpark() {
    runAfterClass();
  }

  @Override public boolean enableHiveSupport() {
    return false;
  }

  @Override public SparkConf conf() {
    // local[2,2]: two task slots, and a failed task is retried once, as on a cluster
    return super.conf().setMaster("local[2,2]").setAppName("pcsr-test")
        .set("spark.sql.shuffle.partitions", "2")
        .set("spark.ui.enabled", "false")
        .set("spark.driver.host", "127.0.0.1")
        .set("spark.driver.bindAddress", "127.0.0.1");
  }
}
