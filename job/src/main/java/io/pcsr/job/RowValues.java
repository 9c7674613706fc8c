package io.pcsr.job;

import org.apache.spark.sql.Row;

/** A row's values as a new array, to build a wider, narrower or renamed row from. */
final class RowValues {
  private RowValues() {}

  /**
   * The first {@code length} values of {@code row}; past the row's end the array holds nulls
   * (the columns a wider row adds).
   */
  static Object[] of(Row row, int length) {
    Object[] v = new Object[length];
    for (int i = 0, n = Math.min(length, row.length()); i < n; i++) {
      v[i] = row.get(i);
    }
    return v;
  }
}
