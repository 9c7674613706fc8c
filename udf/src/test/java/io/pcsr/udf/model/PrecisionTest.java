package io.pcsr.udf.model;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.pcsr.udf.checkpoint.CheckpointLoader;
import io.pcsr.udf.train.BundledModel;
import org.junit.jupiter.api.Test;

class PrecisionTest {
  @Test
  void parsesLabelsCaseInsensitivelyAndDefaultsToFloat32() {
    assertEquals(Precision.FLOAT32, Precision.parse(null));
    assertEquals(Precision.FLOAT32, Precision.parse("  "));
    assertEquals(Precision.FLOAT32, Precision.parse("float32"));
    assertEquals(Precision.FLOAT16, Precision.parse(" Float16 "));
    assertEquals(Precision.BFLOAT16, Precision.parse("BFLOAT16"));
    for (Precision p : Precision.values()) {
      assertEquals(p, Precision.parse(p.label()), "label round trip");
    }
  }

  @Test
  void rejectsUnknownNamesListingTheValidOnes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Precision.parse("fp16"));
    assertTrue(e.getMessage().contains("float32, float16, bfloat16"), e.getMessage());
    assertTrue(e.getMessage().contains("'fp16'"), e.getMessage());
  }

  @Test
  void sizesAndTypesMatchTheFormats() {
    assertEquals(4, Precision.FLOAT32.bytes());
    assertEquals(2, Precision.FLOAT16.bytes());
    assertEquals(2, Precision.BFLOAT16.bytes());
    assertEquals(DataType.FLOAT16, Precision.FLOAT16.dataType());
  }

  /**
   * bfloat16 must be refused in Java: the same cast in DJL 0.36's JNI aborts the JVM, so if
   * the refusal ever went missing this test would not fail, the whole test JVM would die.
   */
  @Test
  void bfloat16IsRefusedBeforeAnyTensorIsCreated() throws Exception {
    UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
        Precision.BFLOAT16::requireRunnable);
    assertTrue(e.getMessage().contains("use float16") || e.getMessage().contains("Use float16"),
        e.getMessage());
    assertDoesNotThrow(Precision.FLOAT16::requireRunnable);
    try (NDManager m = NDManager.newBaseManager()) {
      var ckpt = CheckpointLoader.load(BundledModel.file());
      assertThrows(UnsupportedOperationException.class,
          () -> PcsrModel.fromCheckpoint(ckpt, m, "bundled", Precision.BFLOAT16));
    }
  }
}
