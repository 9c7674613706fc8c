package io.pcsr.udf.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Arrays come back only for the shape they were made for, and only within the budget. */
class RowsPoolTest {

  @Test
  void recyclesByShapeNotByLength() {
    RowsPool pool = new RowsPool();
    ChannelRows wide = pool.take(1, 52, 10, 64);
    // (10 + 2) rows of 66-float runs hold as many floats as (42 + 2) rows of 18-float runs
    assertEquals(wide.data().length, ChannelRows.length(1, 52, 42, 16));
    pool.give(wide);
    ChannelRows narrow = pool.take(1, 52, 42, 16);
    assertNotSame(wide.data(), narrow.data(), "another shape's border lies elsewhere");
    assertSame(wide.data(), pool.take(1, 52, 10, 64).data());
    assertNotSame(wide.data(), pool.take(1, 52, 10, 64).data(), "handed out once");
  }

  @Test
  void keepsNoMoreThanItsBudget() {
    ChannelRows rows = new ChannelRows(1, 52, 4, 16);
    long bytes = (long) rows.data().length * Float.BYTES;
    RowsPool pool = new RowsPool(bytes);
    ChannelRows other = new ChannelRows(1, 52, 4, 16);
    pool.give(rows);
    pool.give(other);
    assertSame(rows.data(), pool.take(1, 52, 4, 16).data());
    assertNotSame(other.data(), pool.take(1, 52, 4, 16).data(), "past the budget: dropped");
  }

  @Test
  void refusesRings() {
    assertThrows(IllegalArgumentException.class,
        () -> new RowsPool().give(ChannelRows.ring(3, 1, 52, 8, 16)));
  }
}
