package io.pcsr.job;

import org.apache.spark.SparkContext;

/**
 * Names the Spark jobs a run starts ("pcsr run R: plan tiles"), so that the Spark UI, the
 * event log and {@code bench-job} say which step each job is: Spark itself names their stages
 * after the action or an internal lambda.
 */
final class JobDescriptions {
  /** The thread-local property that {@link SparkContext#setJobDescription} sets. */
  static final String PROPERTY = "spark.job.description";

  private JobDescriptions() {}

  /** Work that starts Spark jobs. */
  @FunctionalInterface
  interface Action<T, E extends Exception> {
    T run() throws E;
  }

  /** Runs {@code action} on this thread with its jobs described as {@code description}. */
  static <T, E extends Exception> T describe(SparkContext sc, String description,
      Action<T, E> action) throws E {
    String before = sc.getLocalProperty(PROPERTY);
    sc.setJobDescription(description);
    try {
      return action.run();
    } finally {
      sc.setLocalProperty(PROPERTY, before);
    }
  }
}
