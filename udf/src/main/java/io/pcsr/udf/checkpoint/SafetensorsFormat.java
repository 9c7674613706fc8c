package io.pcsr.udf.checkpoint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The project's own checkpoint format: safetensors (an 8-byte little-endian header length, a
 * UTF-8 JSON header, then the raw little-endian tensor bytes), with the model name, args and
 * iteration in {@code __metadata__}. Unlike a pickle it cannot carry code, and any safetensors
 * library can read it.
 *
 * <p>Header: {@code {"__metadata__": {"format": "pcsr", "model_name": ..., "args": "<args as
 * JSON>", "iteration": "500000"}, "<key>": {"dtype": "F32", "shape": [..], "data_offsets":
 * [begin, end]}, ...}} with tensors in state-dict order, offsets relative to the data start.
 */
public final class SafetensorsFormat {
  /** The safetensors reference implementation refuses larger headers too. */
  static final long MAX_HEADER_BYTES = 100L << 20;
  static final String METADATA_KEY = "__metadata__";
  static final String FORMAT = "pcsr";

  private SafetensorsFormat() {}

  /** Writes {@code ckpt} to a temporary file beside {@code file}, then renames it atomically. */
  public static void write(Checkpoint ckpt, Path file) throws IOException {
    Path target = file.toAbsolutePath();
    Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".tmp");
    try {
      try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING)) {
        OutputStream out = Channels.newOutputStream(channel);
        writeTo(ckpt, out);
        out.flush();
        channel.force(true); // durable before the rename makes it visible
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  public static byte[] toBytes(Checkpoint ckpt) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writeTo(ckpt, out);
    return out.toByteArray();
  }

  public static Checkpoint read(Path file) throws IOException {
    return read(PthReader.readWhole(file), file.toString());
  }

  public static Checkpoint read(byte[] bytes, String sourceName) throws IOException {
    String source = "checkpoint " + sourceName;
    try {
      return parse(bytes, source);
    } catch (CheckpointException e) {
      throw e;
    } catch (RuntimeException e) {
      // safety net, as in PthReader: a malformed file must surface as a CheckpointException
      throw new CheckpointException(source + ": malformed safetensors file (" + e + ")", e);
    }
  }

  // ---- writing -----------------------------------------------------------------------------

  private static void writeTo(Checkpoint ckpt, OutputStream out) throws IOException {
    LinkedHashMap<String, TensorData> tensors = ckpt.stateDict();
    byte[] header = header(ckpt, tensors);
    out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN)
        .putLong(header.length).array());
    out.write(header);
    for (TensorData t : tensors.values()) {
      out.write(t.toLittleEndianBytes());
    }
  }

  /** The JSON header, padded with spaces so that the data starts 8-byte aligned. */
  private static byte[] header(Checkpoint ckpt, LinkedHashMap<String, TensorData> tensors)
      throws IOException {
    ObjectNode root = JsonValues.MAPPER.createObjectNode();
    ObjectNode meta = root.putObject(METADATA_KEY);
    meta.put("format", FORMAT);
    meta.put("model_name", ckpt.modelName());
    meta.put("args", JsonValues.MAPPER.writeValueAsString(ckpt.args()));
    ckpt.iteration().ifPresent(i -> meta.put("iteration", Long.toString(i)));
    long offset = 0;
    for (Map.Entry<String, TensorData> e : tensors.entrySet()) {
      if (e.getKey().equals(METADATA_KEY)) {
        throw new CheckpointException("a tensor may not be named " + METADATA_KEY
            + " in safetensors");
      }
      TensorData t = e.getValue();
      ObjectNode entry = root.putObject(e.getKey());
      entry.put("dtype", t.type().safetensorsName());
      var shape = entry.putArray("shape");
      for (long d : t.shape()) {
        shape.add(d);
      }
      entry.putArray("data_offsets").add(offset).add(offset + t.byteSize());
      offset += t.byteSize();
    }
    byte[] json = JsonValues.MAPPER.writeValueAsBytes(root);
    int padded = (json.length + 7) / 8 * 8;
    byte[] header = new byte[padded];
    System.arraycopy(json, 0, header, 0, json.length);
    for (int i = json.length; i < padded; i++) {
      header[i] = ' ';
    }
    return header;
  }

  // ---- reading -----------------------------------------------------------------------------

  private static Checkpoint parse(byte[] bytes, String source) throws CheckpointException {
    if (bytes.length < 8) {
      throw new CheckpointException(source + ": " + bytes.length + " bytes is too short for a "
          + "safetensors file (it starts with an 8-byte header length)");
    }
    long headerLength = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    if (headerLength < 2 || headerLength > MAX_HEADER_BYTES || headerLength > bytes.length - 8) {
      throw new CheckpointException(source + ": safetensors header length " + headerLength
          + " is impossible for a file of " + bytes.length + " bytes (limit "
          + MAX_HEADER_BYTES + "); the file is truncated or not safetensors");
    }
    if (bytes[8] != '{') {
      throw new CheckpointException(source + ": safetensors header does not start with '{'");
    }
    JsonNode root = parseHeader(bytes, (int) headerLength, source);
    int dataStart = 8 + (int) headerLength;
    int dataLength = bytes.length - dataStart;

    JsonNode meta = root.path(METADATA_KEY);
    String modelName = metadataString(meta, "model_name", source);
    if (modelName == null) {
      throw new CheckpointException(source + ": __metadata__.model_name is missing; not a "
          + "checkpoint written by this project");
    }
    String format = metadataString(meta, "format", source);
    if (format != null && !format.equals(FORMAT)) {
      throw new CheckpointException(source + ": __metadata__.format is '"
          + PickleValues.printable(format, 40) + "', expected '" + FORMAT + "'");
    }
    Map<String, Object> args = parseArgs(metadataString(meta, "args", source), source);
    OptionalLong iteration = parseIteration(metadataString(meta, "iteration", source), source);

    LinkedHashMap<String, TensorData> tensors = new LinkedHashMap<>();
    List<long[]> ranges = new ArrayList<>();
    for (Map.Entry<String, JsonNode> field : root.properties()) {
      if (field.getKey().equals(METADATA_KEY)) {
        continue;
      }
      String key = field.getKey();
      SafetensorsEntry entry = SafetensorsEntry.parse(key, field.getValue(), dataLength, source);
      ranges.add(new long[] {entry.begin(), entry.end()});
      ByteBuffer data = ByteBuffer.wrap(bytes, dataStart + (int) entry.begin(),
          (int) (entry.end() - entry.begin())).slice().order(ByteOrder.LITTLE_ENDIAN);
      tensors.put(key, TensorData.read(entry.type(), entry.shape(), data, null));
    }
    requireExactCover(ranges, dataLength, source);
    return new Checkpoint(modelName, args, tensors, iteration);
  }

  private static JsonNode parseHeader(byte[] bytes, int length, String source)
      throws CheckpointException {
    JsonNode root;
    try {
      root = JsonValues.MAPPER.readTree(bytes, 8, length);
    } catch (IOException e) {
      throw new CheckpointException(source + ": safetensors header is not valid JSON: "
          + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new CheckpointException(source + ": safetensors header is not a JSON object");
    }
    return root;
  }

  private static String metadataString(JsonNode meta, String key, String source)
      throws CheckpointException {
    if (!meta.isObject()) {
      if (meta.isMissingNode()) {
        return null;
      }
      throw new CheckpointException(source + ": __metadata__ must be an object");
    }
    JsonNode value = meta.get(key);
    if (value == null) {
      return null;
    }
    if (!value.isTextual()) {
      throw new CheckpointException(source + ": __metadata__." + key
          + " must be a string (safetensors metadata is string to string)");
    }
    return value.textValue();
  }

  private static Map<String, Object> parseArgs(String json, String source)
      throws CheckpointException {
    if (json == null) {
      return Map.of();
    }
    try {
      return JsonValues.toArgs(JsonValues.MAPPER.readTree(json), source + ": __metadata__.args");
    } catch (JsonProcessingException e) {
      throw new CheckpointException(source + ": __metadata__.args is not valid JSON: "
          + e.getOriginalMessage(), e);
    }
  }

  private static OptionalLong parseIteration(String value, String source)
      throws CheckpointException {
    if (value == null) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(value));
    } catch (NumberFormatException e) {
      throw new CheckpointException(source + ": __metadata__.iteration '"
          + PickleValues.printable(value, 40) + "' is not an integer");
    }
  }

  /** The spec requires the tensors to tile the data buffer: no overlaps, no holes. */
  private static void requireExactCover(List<long[]> ranges, long dataLength, String source)
      throws CheckpointException {
    ranges.sort(Comparator.comparingLong((long[] r) -> r[0]).thenComparingLong(r -> r[1]));
    long covered = 0;
    for (long[] r : ranges) {
      if (r[0] != covered) {
        throw new CheckpointException(source + ": safetensors data " + (r[0] < covered
            ? "ranges overlap at byte " + r[0] : "has a hole at bytes " + covered + ".." + r[0]));
      }
      covered = r[1];
    }
    if (covered != dataLength) {
      throw new CheckpointException(source + ": safetensors data buffer is " + dataLength
          + " bytes but its tensors cover " + covered);
    }
  }
}
