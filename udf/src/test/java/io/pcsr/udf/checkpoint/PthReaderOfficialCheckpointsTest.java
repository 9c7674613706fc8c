package io.pcsr.udf.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pcsr.udf.testing.Reference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The four official checkpoints of the reference folder (skipped without it). Expected numbers
 * were read from the files with Python's pickletools and the official model definitions.
 */
class PthReaderOfficialCheckpointsTest {

  @Test
  void fsrcnnPcsr() throws Exception {
    Checkpoint c = PthReader.read(Reference.file("checkpoints/fsrcnn-pcsr-x4.pth"));
    assertEquals("pcsr-phase1", c.modelName());
    assertEquals(500_000L, c.iteration().getAsLong());
    assertEquals("fsrcnn", at(c.args(), "encoder_spec", "name"));
    assertEquals(48L, at(c.args(), "encoder_spec", "args", "d"));
    assertEquals(Boolean.TRUE, at(c.args(), "encoder_spec", "args", "no_upsampling"));
    assertEquals(List.of(58L, 58L, 58L, 58L), hiddenList(c, "heavy_sampler_spec"));
    assertEquals(List.of(10L, 10L, 10L), hiddenList(c, "light_sampler_spec"));
    assertEquals(List.of(), hiddenList(c, "classifier_spec"));
    assertEquals(38, c.stateDict().size());
    assertShape(c, "encoder.head_conv.0.weight", 48, 3, 5, 5);
    assertShape(c, "heavy_sampler.imnet.layers.8.weight", 3, 58);
    // PReLU with a single shared slope
    TensorData slope = c.tensor("encoder.head_conv.1.weight");
    assertEquals(1, slope.numel());
    assertEquals(-0.13971000909805298f, slope.toFloats()[0]);
    assertEquals(24_502, learnedParameters(c));
    assertAllFinite(c);
  }

  @Test
  void carnPcsr() throws Exception {
    Checkpoint c = PthReader.read(Reference.file("checkpoints/carn-pcsr-x4.pth"));
    assertEquals("pcsr-phase1", c.modelName());
    assertEquals(500_000L, c.iteration().getAsLong());
    assertEquals("carn", at(c.args(), "encoder_spec", "name"));
    assertEquals(52L, at(c.args(), "encoder_spec", "args", "nf"));
    assertEquals(List.of(74L, 74L, 74L, 74L), hiddenList(c, "heavy_sampler_spec"));
    assertEquals(List.of(20L, 20L, 20L), hiddenList(c, "light_sampler_spec"));
    assertEquals(List.of(10L, 10L), hiddenList(c, "classifier_spec"));
    assertEquals(116, c.stateDict().size());
    assertEquals(List.of("encoder.entry.weight", "encoder.entry.bias",
        "encoder.b1.b1.body.0.weight"), List.copyOf(c.stateDict().keySet()).subList(0, 3));
    assertShape(c, "encoder.b1.b1.body.0.weight", 52, 13, 3, 3);
    assertShape(c, "heavy_sampler.imnet.layers.8.weight", 3, 74);
    TensorData tracked = c.tensor("encoder.b1.c1.1.num_batches_tracked");
    assertEquals(TensorType.INT64, tracked.type());
    assertArrayEquals(new long[0], tracked.shape());
    assertArrayEquals(new long[] {2_000_000}, tracked.toLongs());
    float[] entry = c.tensor("encoder.entry.weight").toFloats();
    assertEquals(-0x1.3c12d6p-3f, entry[0]);
    assertEquals(0x1.90734cp-8f, entry[1]);
    assertEquals(-0x1.a1563ep-3f, entry[2]);
    assertArrayEquals(new float[] {-0x1.7c8d74p-7f, 0x1.c87292p-7f, 0x1.7fdb42p-8f},
        c.tensor("heavy_sampler.imnet.layers.8.bias").toFloats());
    assertEquals(168_970, learnedParameters(c));
    assertAllFinite(c);
  }

  @Test
  void fsrcnnOriginal() throws Exception {
    Checkpoint c = PthReader.read(Reference.file("checkpoints/fsrcnn-x4.pth"));
    assertEquals("fsrcnn", c.modelName());
    assertEquals(Map.of("upscale", 4L, "d", 56L, "no_upsampling", false), c.args());
    assertEquals(2_000_000L, c.iteration().getAsLong());
    assertEquals(20, c.stateDict().size());
    assertShape(c, "tail_conv.weight", 56, 3, 9, 9);
    assertArrayEquals(new float[] {0x1.6e7ebap-2f, 0x1.52e82ap-2f, 0x1.332eb2p-2f},
        c.tensor("tail_conv.bias").toFloats());
    assertEquals(1, c.tensor("head_conv.1.weight").numel());
    assertEquals(24_515, learnedParameters(c));
    assertAllFinite(c);
  }

  @Test
  void carnOriginal() throws Exception {
    Checkpoint c = PthReader.read(Reference.file("checkpoints/carn-x4.pth"));
    assertEquals("carn", c.modelName());
    assertEquals(Map.of("scale", 4L, "nf", 64L, "no_upsampling", false), c.args());
    assertEquals(98, c.stateDict().size());
    assertShape(c, "entry.weight", 64, 3, 3, 3);
    assertShape(c, "b1.b1.body.0.weight", 64, 16, 3, 3);
    TensorData tracked = c.tensor("b1.c1.1.num_batches_tracked");
    assertEquals(TensorType.INT64, tracked.type());
    assertArrayEquals(new long[0], tracked.shape());
    assertArrayEquals(new long[] {2_000_001}, tracked.toLongs());
    assertEquals(294_915, learnedParameters(c));
    assertAllFinite(c);
  }

  @Test
  void bytesAndPathGiveTheSameCheckpoint() throws Exception {
    Path file = Reference.file("checkpoints/fsrcnn-pcsr-x4.pth");
    Checkpoint fromPath = PthReader.read(file);
    Checkpoint fromBytes = PthReader.read(Files.readAllBytes(file), file.toString());
    assertEquals(fromPath.stateDict(), fromBytes.stateDict());
    assertEquals(fromPath.args(), fromBytes.args());
  }

  /** Float parameters, without BatchNorm running statistics and counters. */
  static long learnedParameters(Checkpoint c) {
    return c.stateDict().entrySet().stream()
        .filter(e -> !e.getKey().endsWith("running_mean") && !e.getKey().endsWith("running_var")
            && !e.getKey().endsWith("num_batches_tracked"))
        .mapToLong(e -> e.getValue().numel())
        .sum();
  }

  private static void assertShape(Checkpoint c, String key, long... shape) {
    assertArrayEquals(shape, c.tensor(key).shape(), key);
  }

  private static void assertAllFinite(Checkpoint c) {
    c.stateDict().forEach((key, t) -> {
      if (t.type().isFloatingPoint()) {
        for (float v : t.toFloats()) {
          assertTrue(Float.isFinite(v), key + " holds " + v);
        }
      }
    });
  }

  private static Object hiddenList(Checkpoint c, String spec) {
    return at(c.args(), spec, "args", "imnet_spec", "args", "hidden_list");
  }

  private static Object at(Map<String, Object> map, String... path) {
    Object value = map;
    for (String key : path) {
      assertTrue(value instanceof Map<?, ?>, "no map at " + key);
      value = ((Map<?, ?>) value).get(key);
    }
    return value;
  }
}
