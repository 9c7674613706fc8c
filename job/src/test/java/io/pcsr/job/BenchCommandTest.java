package io.pcsr.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * {@code bench}'s note on how far its own machine moved during the run, and its ratios taken
 * round by round.
 */
class BenchCommandTest {

  @Test
  void warnsWhenTheSameBackboneWorkTookDifferentTimes() {
    String quiet = BenchCommand.backboneSpread(new long[] {540_000_000, 552_000_000, 545_000_000});
    assertTrue(quiet.contains("540-552 ms, 2.2 % apart") && !quiet.contains("noise"), quiet);
    String noisy = BenchCommand.backboneSpread(new long[] {546_000_000, 715_000_000});
    assertTrue(noisy.contains("546-715 ms, 31.0 % apart") && noisy.contains("noise"), noisy);
  }

  @Test
  void saysNothingWithoutTwoBackbones() {
    assertNull(BenchCommand.backboneSpread(new long[] {540_000_000}));
    assertNull(BenchCommand.backboneSpread(new long[0]));
  }

  @Test
  void pairsEachRoundWithTheReferenceRoundOfTheSameIndex() {
    // round 2 was a slow spell for both: its ratio is the same as round 1's
    long[] reference = {1_000, 1_400, 1_100};
    long[] setting = {700, 980, 880};
    assertArrayEquals(new double[] {0.7, 0.7, 0.8}, BenchCommand.roundRatios(setting, reference),
        1e-12);
    assertThrows(IllegalArgumentException.class,
        () -> BenchCommand.roundRatios(new long[] {1}, reference));
  }

  @Test
  void medianOfOddAndEvenCounts() {
    assertEquals(0.7, BenchCommand.median(new double[] {0.8, 0.7, 0.6}), 1e-12);
    assertEquals(0.75, BenchCommand.median(new double[] {0.8, 0.9, 0.6, 0.7}), 1e-12);
    assertEquals(Double.NaN, BenchCommand.median(new double[0]));
  }
}
