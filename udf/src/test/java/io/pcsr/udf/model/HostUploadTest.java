package io.pcsr.udf.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HostUploadTest {
  @Test
  void floatsArriveInTheTensorAndStayWhenTheArrayChanges() {
    float[] values = new float[2 * 3 * 5];
    Random r = new Random(7);
    for (int i = 0; i < values.length; i++) {
      values[i] = r.nextFloat() - 0.5f;
    }
    float[] expected = values.clone();
    try (NDManager m = NDManager.newBaseManager();
        NDArray t = HostUpload.floats(m, values, new Shape(2, 3, 5))) {
      values[0] = 99f; // the tensor owns its memory: the JVM array is not aliased
      assertEquals(new Shape(2, 3, 5), t.getShape());
      assertEquals(DataType.FLOAT32, t.getDataType());
      assertArrayEquals(expected, t.toFloatArray());
      // rows come out where row-major order puts them
      assertArrayEquals(java.util.Arrays.copyOfRange(expected, 15, 30),
          t.get(1).toFloatArray());
    }
  }

  @Test
  void longsArriveInTheTensor() {
    long[] values = {0, 1, -5, Long.MAX_VALUE, 1L << 40};
    try (NDManager m = NDManager.newBaseManager();
        NDArray t = HostUpload.longs(m, values)) {
      assertEquals(DataType.INT64, t.getDataType());
      assertArrayEquals(values, t.toLongArray());
    }
  }

  @Test
  void emptyInputsGiveEmptyTensors() {
    try (NDManager m = NDManager.newBaseManager();
        NDArray f = HostUpload.floats(m, new float[0], new Shape(0, 4));
        NDArray l = HostUpload.longs(m, new long[0])) {
      assertEquals(0, f.size());
      assertEquals(0, l.size());
    }
  }

  @Test
  void aShapeTheValuesDoNotFillIsRefused() {
    try (NDManager m = NDManager.newBaseManager()) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> HostUpload.floats(m, new float[5], new Shape(2, 3)));
      assertEquals("5 values do not fill shape (2, 3)", e.getMessage());
    }
  }
}
