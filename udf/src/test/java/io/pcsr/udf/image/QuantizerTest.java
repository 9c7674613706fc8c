package io.pcsr.udf.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class QuantizerTest {
  @Test
  void roundsHalfToEven() {
    assertEquals(2, Quantizer.toUint8(2.5f / 255f));
    assertEquals(4, Quantizer.toUint8(3.5f / 255f));
    assertEquals(0, Quantizer.toUint8(0.5f / 255f));
    assertEquals(2, Quantizer.toUint8(1.5f / 255f));
    assertEquals(254, Quantizer.toUint8(254.5f / 255f));
  }

  @Test
  void everyEightBitValueRoundTrips() {
    for (int k = 0; k <= 255; k++) {
      assertEquals(k, Quantizer.toUint8(k / 255f));
    }
  }

  @Test
  void clampsOutOfRangeAndNan() {
    assertEquals(0, Quantizer.toUint8(-0.3f));
    assertEquals(255, Quantizer.toUint8(1.7f));
    assertEquals(255, Quantizer.toUint8(Float.POSITIVE_INFINITY));
    assertEquals(0, Quantizer.toUint8(Float.NEGATIVE_INFINITY));
    assertEquals(0, Quantizer.toUint8(Float.NaN));
  }

  @Test
  void quantizesWholeImagesInPlanarOrder() {
    FloatImage img = new FloatImage(1, 1, 4, new float[] {0f, 0.5f, 1f, 2.5f / 255f});
    assertArrayEquals(new int[] {0, 128, 255, 2}, Quantizer.quantize(img));
    assertArrayEquals(new float[] {0f, 128 / 255f, 1f, 2 / 255f}, Quantizer.as8Bit(img).data());
  }
}
