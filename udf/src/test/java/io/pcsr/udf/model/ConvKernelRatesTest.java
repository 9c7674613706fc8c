package io.pcsr.udf.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The per-kind probe behind {@code bench --backbone-kernels}: every kind runs and is counted. */
class ConvKernelRatesTest {

  @Test
  void everyKindRunsAndReportsItsUsefulWork() {
    assumeTrue(ConvKernelRates.supported(), "the host kernels need 256-bit vectors");
    List<ConvKernelRates.Rate> rates = ConvKernelRates.measure(5, 37, 2);
    assertEquals(6, rates.size());
    for (ConvKernelRates.Rate r : rates) {
      assertTrue(r.bestSeconds() > 0 && Double.isFinite(r.gflops()) && r.gflops() > 0,
          r.toString());
    }
    // grouped 3x3: 52 outputs x 13 inputs x 9 taps; the residual block two of them and a 1x1
    assertEquals(52 * 13 * 9, rates.get(1).macsPerPixel());
    assertEquals(2L * 52 * 13 * 9 + 52 * 52, rates.get(2).macsPerPixel());
    assertEquals(4L * 52 * 52, rates.get(5).macsPerPixel());
  }

  @Test
  void rejectsAnEmptyImage() {
    assertThrows(IllegalArgumentException.class, () -> ConvKernelRates.measure(0, 10, 1));
  }
}
