package io.pcsr.job;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import org.apache.spark.api.java.function.MapGroupsFunction;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;

/**
 * Runs a per-group function over a partition sorted by its key column, one group at a time,
 * streaming each group's rows. The job uses it instead of {@code groupByKey().mapGroups()} so
 * that it can choose how many assembly tasks there are: adaptive execution coalesced the
 * grouped shuffle of 16 small images into 3 tasks, and one slot encoded most of the PNGs while
 * the other idled.
 */
final class SortedGroups implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;
  private final int keyColumn;
  private final MapGroupsFunction<String, Row, Row> perGroup;

  SortedGroups(int keyColumn, MapGroupsFunction<String, Row, Row> perGroup) {
    this.keyColumn = keyColumn;
    this.perGroup = perGroup;
  }

  @Override public Iterator<Row> call(Iterator<Row> rows) {
    return new Iterator<>() {
      private Row pending = rows.hasNext() ? rows.next() : null;

      @Override public boolean hasNext() {
        return pending != null;
      }

      @Override public Row next() {
        if (pending == null) {
          throw new NoSuchElementException();
        }
        String key = pending.getString(keyColumn);
        Group group = new Group(key);
        Row out;
        try {
          out = perGroup.call(key, group);
        } catch (Exception e) {
          throw new IllegalStateException("group " + key + " failed", e);
        }
        group.drain(); // a function that stops early must not leave rows to the next group
        return out;
      }

      /** The rows of one key, read from the shared partition iterator. */
      final class Group implements Iterator<Row> {
        private final String key;

        Group(String key) {
          this.key = key;
        }

        @Override public boolean hasNext() {
          return pending != null && Objects.equals(pending.getString(keyColumn), key);
        }

        @Override public Row next() {
          if (!hasNext()) {
            throw new NoSuchElementException();
          }
          Row r = pending;
          pending = rows.hasNext() ? rows.next() : null;
          return r;
        }

        void drain() {
          while (hasNext()) {
            next();
          }
        }
      }
    };
  }
}
