package io.pcsr.udf.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ResizeWeightsTest {
  @Test
  void mirrorRepeatsTheEdgeSample() {
    int[] expected = {2, 1, 0, 0, 1, 2, 3, 4, 4, 3, 2};
    for (int i = -3; i <= 7; i++) {
      assertEquals(expected[i + 3], ResizeWeights.mirror(i, 5), "index " + i);
    }
    assertEquals(0, ResizeWeights.mirror(-1, 1));
    assertEquals(0, ResizeWeights.mirror(5, 1));
  }

  @Test
  void cubicKernelHasKeysValues() {
    assertEquals(1.0, ResizeWeights.cubic(0), 0);
    assertEquals(0.0, ResizeWeights.cubic(1), 0);
    assertEquals(0.0, ResizeWeights.cubic(2), 0);
    assertEquals(0.0, ResizeWeights.cubic(-2.5), 0);
    assertEquals(0.5625, ResizeWeights.cubic(0.5), 1e-15); // 1.5/8 - 2.5/4 + 1
    assertEquals(-0.0625, ResizeWeights.cubic(-1.5), 1e-15);
  }

  @Test
  void weightsSumToOneAndIndicesStayInside() {
    for (int[] lengths : new int[][] {{384, 96}, {201, 67}, {10, 37}, {1, 5}, {7, 7}}) {
      ResizeWeights w = ResizeWeights.bicubic(lengths[0], lengths[1]);
      for (int x = 0; x < w.outLength; x++) {
        double sum = 0;
        for (int k = 0; k < w.taps; k++) {
          sum += w.weights[x * w.taps + k];
          int i = w.indices[x * w.taps + k];
          assertTrue(i >= 0 && i < lengths[0]);
        }
        assertEquals(1.0, sum, 1e-12);
      }
    }
  }

  @Test
  void shrinkingByFourWidensTheKernelToSixteenSamples() {
    ResizeWeights w = ResizeWeights.bicubic(384, 96);
    // P = ceil(16) + 2 = 18 taps, the outermost of which always carry zero weight
    assertEquals(16, w.taps);
    // output 1 (1-based) sits at u = 1/0.25 + 0.5(1 - 4) = 2.5: symmetric around input 2.5
    assertEquals(w.weights[7], w.weights[8], 1e-15);
  }
}
