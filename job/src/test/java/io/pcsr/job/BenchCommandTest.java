package io.pcsr.job;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code bench}'s note on how far its own machine moved during the run. */
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
}
