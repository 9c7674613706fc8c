package io.pcsr.udf.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pcsr.udf.testing.Reference;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsFormatTest {

  @Test
  void carnPcsrRoundTripsBitIdentically() throws Exception {
    Checkpoint original = PthReader.read(Reference.file("checkpoints/carn-pcsr-x4.pth"));
    Checkpoint copy = SafetensorsFormat.read(SafetensorsFormat.toBytes(original), "carn.st");
    assertSameCheckpoint(original, copy);
  }

  @Test
  void headerLayoutFollowsTheSpec() throws Exception {
    Checkpoint original = PthReader.read(Reference.file("checkpoints/carn-pcsr-x4.pth"));
    byte[] bytes = SafetensorsFormat.toBytes(original);
    // parsed independently of the reader: u64 LE length, JSON, then the data buffer
    long headerLength = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    assertEquals(0, (8 + headerLength) % 8, "data must start 8-byte aligned");
    assertEquals('{', bytes[8]);
    JsonNode header = new ObjectMapper().readTree(
        new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8));
    JsonNode meta = header.get("__metadata__");
    assertEquals("pcsr", meta.get("format").textValue());
    assertEquals("pcsr-phase1", meta.get("model_name").textValue());
    assertEquals("500000", meta.get("iteration").textValue());
    JsonNode args = new ObjectMapper().readTree(meta.get("args").textValue());
    assertEquals(52, args.at("/encoder_spec/args/nf").intValue());
    assertEquals("carn", args.at("/encoder_spec/name").textValue());

    List<String> keys = new ArrayList<>();
    header.fieldNames().forEachRemaining(keys::add);
    assertEquals("__metadata__", keys.get(0));
    assertEquals(List.copyOf(original.stateDict().keySet()), keys.subList(1, keys.size()));
    long dataStart = 8 + headerLength;
    long expectedOffset = 0;
    for (String key : keys.subList(1, keys.size())) {
      JsonNode entry = header.get(key);
      TensorData t = original.tensor(key);
      assertEquals(t.type() == TensorType.INT64 ? "I64" : "F32", entry.get("dtype").textValue());
      long[] shape = new long[entry.get("shape").size()];
      for (int i = 0; i < shape.length; i++) {
        shape[i] = entry.get("shape").get(i).longValue();
      }
      assertArrayEquals(t.shape(), shape, key);
      long begin = entry.get("data_offsets").get(0).longValue();
      long end = entry.get("data_offsets").get(1).longValue();
      assertEquals(expectedOffset, begin, key);
      assertEquals(t.numel() * t.type().byteSize(), end - begin, key);
      expectedOffset = end;
    }
    assertEquals(bytes.length - dataStart, expectedOffset);
    // the first tensor's first float, read straight from the buffer
    float first = ByteBuffer.wrap(bytes, (int) dataStart, 4).order(ByteOrder.LITTLE_ENDIAN)
        .getFloat();
    assertEquals(original.tensor(keys.get(1)).toFloats()[0], first);
    JsonNode tracked = header.get("encoder.b1.c1.1.num_batches_tracked");
    assertEquals("I64", tracked.get("dtype").textValue());
    assertEquals(0, tracked.get("shape").size());
  }

  @Test
  void writeIsAtomicAndLeavesNoTemporaryFiles(@TempDir Path dir) throws Exception {
    Checkpoint tiny = PthReader.read(TinyCheckpoint.bytes(), "tiny.pth");
    Path file = dir.resolve("tiny.safetensors");
    Files.writeString(file, "old content to be replaced");
    SafetensorsFormat.write(tiny, file);
    assertArrayEquals(SafetensorsFormat.toBytes(tiny), Files.readAllBytes(file));
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(file), files.toList());
    }
    assertSameCheckpoint(tiny, SafetensorsFormat.read(file));
  }

  @Test
  void everyTypeAndArgKindRoundTrips() throws Exception {
    LinkedHashMap<String, TensorData> sd = new LinkedHashMap<>();
    sd.put("f32", TensorData.ofFloats(new long[] {2, 2}, new float[] {1, Float.NaN, -0f, 1e-40f}));
    sd.put("i64", TensorData.ofLongs(new long[0], new long[] {Long.MIN_VALUE}));
    sd.put("empty", TensorData.ofFloats(new long[] {0, 3}, new float[0]));
    ByteBuffer raw =
        ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0x0123456789abcdefL);
    for (TensorType t : new TensorType[] {TensorType.FLOAT16, TensorType.BFLOAT16,
        TensorType.INT32, TensorType.FLOAT64}) {
      long n = 8 / t.byteSize();
      sd.put(t.name(), TensorData.read(t, new long[] {n}, raw.duplicate().rewind()
          .order(ByteOrder.LITTLE_ENDIAN), null));
    }
    Map<String, Object> args = new LinkedHashMap<>();
    args.put("int", 3L);
    args.put("float", 0.1);
    args.put("whole float", 2.0);
    args.put("nan", Double.NaN);
    args.put("none", null);
    args.put("flag", false);
    args.put("text", "é\n\"quoted\"");
    args.put("nested", Map.of("list", List.of(1L, List.of("a"), Map.of())));
    Checkpoint c = new Checkpoint("all-types", args, sd, OptionalLong.empty());
    Checkpoint copy = SafetensorsFormat.read(SafetensorsFormat.toBytes(c), "types.st");
    assertSameCheckpoint(c, copy);
    assertEquals(Long.class, copy.args().get("int").getClass());
    assertEquals(Double.class, copy.args().get("whole float").getClass());
  }

  @Test
  void malformedFilesAreRefusedClearly() throws Exception {
    Checkpoint tiny = PthReader.read(TinyCheckpoint.bytes(), "tiny.pth");
    byte[] good = SafetensorsFormat.toBytes(tiny);
    String header = headerOf(good);
    byte[] data = Arrays.copyOfRange(good, 8 + (int) headerLength(good), good.length);

    expectError(new byte[5], "too short");
    byte[] hugeLength = good.clone();
    ByteBuffer.wrap(hugeLength).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 1L << 40);
    expectError(hugeLength, "header length");
    expectError(Arrays.copyOf(good, good.length - 1), "outside the data buffer");
    expectError(Arrays.copyOf(good, good.length + 8), "cover");
    expectError(file("[1, 2]", data), "start with '{'");
    expectError(file("{\"a\": ", data), "not valid JSON");
    expectError(file(header.replace("\"F32\"", "\"U8\""), data), "unsupported dtype");
    expectError(file(header.replace("[0,24]", "[0,20]"), data), "needs 24");
    expectError(file(header.replace("[0,24]", "[0,99999]"), data), "outside the data buffer");
    expectError(file(header.replace("[24,32]", "[20,28]"), data), "overlap");
    expectError(file(header.replace("\"model_name\"", "\"not_model_name\""), data),
        "model_name");
    expectError(file(header.replace("\"format\":\"pcsr\"", "\"format\":\"other\""), data),
        "format");
    String duplicated = header.replace("{\"__metadata__\"",
        "{\"w\":{\"dtype\":\"F32\",\"shape\":[6],\"data_offsets\":[0,24]},\"__metadata__\"");
    expectError(file(duplicated, data), "Duplicate");
    // a hole: the last tensor moved one element further than the data it has
    expectError(file(header.replace("[24,32]", "[32,40]"), Arrays.copyOf(data, 40)), "hole");
  }

  @Test
  void aTensorCannotBeNamedLikeTheMetadata() {
    LinkedHashMap<String, TensorData> sd = new LinkedHashMap<>();
    sd.put("__metadata__", TensorData.ofFloats(new long[] {1}, new float[] {1}));
    Checkpoint c = new Checkpoint("bad", Map.of(), sd, OptionalLong.empty());
    assertThrows(CheckpointException.class, () -> SafetensorsFormat.toBytes(c));
  }

  static void assertSameCheckpoint(Checkpoint expected, Checkpoint actual) {
    assertEquals(expected.modelName(), actual.modelName());
    assertEquals(expected.args(), actual.args());
    assertEquals(expected.iteration(), actual.iteration());
    assertEquals(List.copyOf(expected.stateDict().keySet()),
        List.copyOf(actual.stateDict().keySet()));
    Iterator<TensorData> it = actual.stateDict().values().iterator();
    expected.stateDict().forEach((key, t) -> {
      TensorData other = it.next();
      assertEquals(t.type(), other.type(), key);
      assertArrayEquals(t.shape(), other.shape(), key);
      assertArrayEquals(t.toLittleEndianBytes(), other.toLittleEndianBytes(), key);
    });
  }

  private static void expectError(byte[] bytes, String fragment) {
    CheckpointException e = assertThrows(CheckpointException.class,
        () -> SafetensorsFormat.read(bytes, "bad.safetensors"));
    assertTrue(e.getMessage().contains(fragment), "'" + fragment + "' not in: " + e.getMessage());
  }

  private static long headerLength(byte[] file) {
    return ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
  }

  private static String headerOf(byte[] file) {
    return new String(file, 8, (int) headerLength(file), StandardCharsets.UTF_8).trim();
  }

  private static byte[] file(String header, byte[] data) {
    byte[] json = header.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(json.length)
        .array());
    out.writeBytes(json);
    out.writeBytes(data);
    return out.toByteArray();
  }
}
