package io.pcsr.udf.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TensorDataTest {

  @Test
  void ofFloatsCopiesItsInputs() {
    long[] shape = {2, 2};
    float[] data = {1, 2, 3, 4};
    TensorData t = TensorData.ofFloats(shape, data);
    shape[0] = 9;
    data[0] = 9;
    t.shape()[1] = 9;
    t.toFloats()[1] = 9;
    assertArrayEquals(new long[] {2, 2}, t.shape());
    assertArrayEquals(new float[] {1, 2, 3, 4}, t.toFloats());
    assertEquals(4, t.numel());
    assertEquals(TensorType.FLOAT32, t.type());
  }

  @Test
  void shapeMustMatchTheData() {
    assertThrows(IllegalArgumentException.class,
        () -> TensorData.ofFloats(new long[] {2, 3}, new float[5]));
    assertThrows(IllegalArgumentException.class,
        () -> TensorData.ofFloats(new long[] {-1}, new float[0]));
    assertThrows(IllegalArgumentException.class,
        () -> TensorData.ofFloats(new long[] {1L << 40, 1L << 40}, new float[0]));
    assertEquals(1, TensorData.ofFloats(new long[0], new float[] {7}).numel());
  }

  @Test
  void toLongsIsOnlyForIntegerTensors() {
    TensorData floats = TensorData.ofFloats(new long[] {1}, new float[] {1});
    IllegalStateException e = assertThrows(IllegalStateException.class, floats::toLongs);
    assertTrue(e.getMessage().contains("FLOAT32"));
    TensorData longs = TensorData.ofLongs(new long[] {2}, new long[] {3, -4});
    assertArrayEquals(new long[] {3, -4}, longs.toLongs());
    assertArrayEquals(new float[] {3, -4}, longs.toFloats());
  }

  @Test
  void halfFloatsConvertExactly() {
    assertEquals(1f, HalfFloats.halfToFloat((short) 0x3c00));
    assertEquals(-2f, HalfFloats.halfToFloat((short) 0xc000));
    assertEquals(65504f, HalfFloats.halfToFloat((short) 0x7bff));
    assertEquals(0x1p-24f, HalfFloats.halfToFloat((short) 0x0001));
    assertEquals(0x1p-14f, HalfFloats.halfToFloat((short) 0x0400));
    assertEquals(Float.floatToRawIntBits(-0f),
        Float.floatToRawIntBits(HalfFloats.halfToFloat((short) 0x8000)));
    assertEquals(Float.POSITIVE_INFINITY, HalfFloats.halfToFloat((short) 0x7c00));
    assertTrue(Float.isNaN(HalfFloats.halfToFloat((short) 0x7e00)));
  }

  @Test
  void equalityIsByTypeShapeAndBits() {
    TensorData a = TensorData.ofFloats(new long[] {2}, new float[] {1, Float.NaN});
    assertEquals(a, TensorData.ofFloats(new long[] {2}, new float[] {1, Float.NaN}));
    assertEquals(a.hashCode(),
        TensorData.ofFloats(new long[] {2}, new float[] {1, Float.NaN}).hashCode());
    assertNotEquals(a, TensorData.ofFloats(new long[] {2, 1}, new float[] {1, Float.NaN}));
    assertNotEquals(TensorData.ofFloats(new long[] {1}, new float[] {1}),
        TensorData.ofLongs(new long[] {1}, new long[] {1}));
  }
}
