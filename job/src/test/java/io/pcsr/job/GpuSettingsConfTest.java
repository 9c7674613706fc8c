package io.pcsr.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pcsr.udf.infer.ChunkChoice;
import io.pcsr.udf.model.Precision;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** spark.pcsr.precision and the chunk keys, as the driver resolves them. */
class GpuSettingsConfTest {
  private static JobConfig resolve(Map<String, String> flags) {
    return JobConfig.resolve("in", "out", flags, k -> null);
  }

  @Test
  void defaultsAreFloat32AndAnAutoChunk() {
    JobConfig cfg = resolve(Map.of());
    assertEquals(Precision.FLOAT32, cfg.precision());
    assertEquals(ChunkChoice.AUTO, cfg.chunk());
    assertEquals(262_144, cfg.gpuMaxChunk());
  }

  @Test
  void explicitValuesAreKept() {
    JobConfig cfg = resolve(Map.of(PcsrConf.PRECISION, "float16", PcsrConf.CHUNK, "4096",
        PcsrConf.CHUNK_GPU_MAX, "65536"));
    assertEquals(Precision.FLOAT16, cfg.precision());
    assertEquals(4096, cfg.chunk());
    assertEquals(65_536, cfg.gpuMaxChunk());
    assertEquals(ChunkChoice.AUTO, JobConfig.chunk(" AUTO "));
  }

  @Test
  void badValuesFailOnTheDriverWithTheKeyNamed() {
    IllegalArgumentException chunk = assertThrows(IllegalArgumentException.class,
        () -> resolve(Map.of(PcsrConf.CHUNK, "0")));
    assertTrue(chunk.getMessage().contains(PcsrConf.CHUNK), chunk.getMessage());
    assertThrows(IllegalArgumentException.class, () -> resolve(Map.of(PcsrConf.CHUNK, "big")));
    assertThrows(IllegalArgumentException.class, () -> resolve(Map.of(PcsrConf.PRECISION, "half")));
    UnsupportedOperationException bf16 = assertThrows(UnsupportedOperationException.class,
        () -> resolve(Map.of(PcsrConf.PRECISION, "bfloat16")));
    assertTrue(bf16.getMessage().contains("bfloat16"), bf16.getMessage());
  }
}
