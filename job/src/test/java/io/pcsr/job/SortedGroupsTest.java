package io.pcsr.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

class SortedGroupsTest {
  private static List<Row> rows(Object... keyThenValue) {
    List<Row> out = new ArrayList<>();
    for (int i = 0; i < keyThenValue.length; i += 2) {
      out.add(RowFactory.create(keyThenValue[i], keyThenValue[i + 1]));
    }
    return out;
  }

  @Test void eachKeyRunOnceWithExactlyItsRows() throws Exception {
    List<Row> in = rows("a", 1, "a", 2, "b", 3, "c", 4, "c", 5, "c", 6);
    Iterator<Row> out = new SortedGroups(0, (String key, Iterator<Row> group) -> {
      int sum = 0;
      int n = 0;
      while (group.hasNext()) {
        sum += group.next().getInt(1);
        n++;
      }
      return RowFactory.create(key, n, sum);
    }).call(in.iterator());
    List<String> seen = new ArrayList<>();
    while (out.hasNext()) {
      Row r = out.next();
      seen.add(r.getString(0) + ":" + r.getInt(1) + ":" + r.getInt(2));
    }
    assertEquals(List.of("a:2:3", "b:1:3", "c:3:15"), seen);
  }

  @Test void aFunctionThatStopsEarlyDoesNotLeakRowsIntoTheNextGroup() throws Exception {
    List<Row> in = rows("a", 1, "a", 2, "a", 3, "b", 4);
    Iterator<Row> out = new SortedGroups(0, (String key, Iterator<Row> group) ->
        RowFactory.create(key, group.next().getInt(1))).call(in.iterator());
    assertEquals(RowFactory.create("a", 1), out.next());
    assertEquals(RowFactory.create("b", 4), out.next());
    assertFalse(out.hasNext());
  }

  @Test void anEmptyPartitionHasNoGroups() throws Exception {
    assertFalse(new SortedGroups(0, (String k, Iterator<Row> g) -> RowFactory.create(k))
        .call(new ArrayList<Row>().iterator()).hasNext());
  }
}
