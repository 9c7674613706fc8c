package io.pcsr.udf.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Opens a checkpoint of either supported format, told apart by its first bytes: a zip ("PK", as
 * torch.save writes) goes to {@link PthReader}; an 8-byte little-endian header length followed
 * by '{' goes to {@link SafetensorsFormat}. Anything else is a clear error, never a guess.
 */
public final class CheckpointLoader {
  private static final int SNIFF_BYTES = 9;

  enum Format { PTH, SAFETENSORS }

  private CheckpointLoader() {}

  public static Checkpoint load(Path file) throws IOException {
    byte[] head;
    try (InputStream in = Files.newInputStream(file)) {
      head = in.readNBytes(SNIFF_BYTES);
    }
    return switch (sniff(head, Files.size(file), file.toString())) {
      case PTH -> PthReader.read(file);
      case SAFETENSORS -> SafetensorsFormat.read(file);
    };
  }

  public static Checkpoint load(byte[] bytes, String sourceName) throws IOException {
    byte[] head = Arrays.copyOf(bytes, Math.min(bytes.length, SNIFF_BYTES));
    return switch (sniff(head, bytes.length, sourceName)) {
      case PTH -> PthReader.read(bytes, sourceName);
      case SAFETENSORS -> SafetensorsFormat.read(bytes, sourceName);
    };
  }

  /** The format of a file of {@code length} bytes that starts with {@code head}. */
  static Format sniff(byte[] head, long length, String sourceName) throws CheckpointException {
    if (length == 0) {
      throw new CheckpointException("checkpoint " + sourceName + " is empty");
    }
    if (head.length >= 2 && head[0] == 'P' && head[1] == 'K') {
      return Format.PTH;
    }
    if (head.length >= SNIFF_BYTES && head[8] == '{') {
      long headerLength = ByteBuffer.wrap(head, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
      if (headerLength >= 2 && headerLength <= length - 8) {
        return Format.SAFETENSORS;
      }
    }
    if (head.length > 0 && (head[0] & 0xff) == 0x80) {
      throw new CheckpointException("checkpoint " + sourceName + " is a bare pickle (the "
          + "legacy torch.save format before PyTorch 1.6), which is not supported; re-save it "
          + "with a current PyTorch or convert it to safetensors");
    }
    throw new CheckpointException("checkpoint " + sourceName + " is neither a torch.save zip "
        + "(starting with \"PK\") nor safetensors (8-byte header length, then '{'); it starts "
        + "with bytes " + hex(head));
  }

  private static String hex(byte[] head) {
    StringBuilder out = new StringBuilder();
    for (byte b : head) {
      out.append(String.format("%02x", b & 0xff));
    }
    return out.toString();
  }
}
