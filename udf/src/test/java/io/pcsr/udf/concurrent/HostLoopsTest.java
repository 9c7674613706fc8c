package io.pcsr.udf.concurrent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** The claimed loop visits every index once, in parallel or not, and stops on a failure. */
class HostLoopsTest {

  @Test
  void everyIndexOnceWhateverTheSplit() {
    for (int n : new int[] {0, 1, 2, 7, 1000}) {
      for (boolean parallel : new boolean[] {false, true}) {
        AtomicIntegerArray seen = new AtomicIntegerArray(n);
        HostLoops.forEachClaimed(n, parallel, i -> {
          // uneven items, as a mixed chunk's are
          if (i % 97 == 0) {
            Thread.onSpinWait();
          }
          seen.incrementAndGet(i);
        });
        for (int i = 0; i < n; i++) {
          assertEquals(1, seen.get(i), "index " + i + " of " + n + ", parallel " + parallel);
        }
      }
    }
  }

  @Test
  void aFailureStopsTheOthersAndReachesTheCallerAsThrown() {
    // several times: the failing item runs on the caller's thread or on a pool thread
    for (int rep = 0; rep < 20; rep++) {
      AtomicInteger ran = new AtomicInteger();
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> HostLoops.forEachClaimed(100_000, true, i -> {
            ran.incrementAndGet();
            if (i == 10) {
              throw new IllegalStateException("item " + i);
            }
          }));
      assertEquals("item 10", e.getMessage(), "the exception itself, not a copy wrapping it");
      assertTrue(ran.get() < 100_000, "the loop stopped early: " + ran.get() + " items ran");
    }
  }
}
