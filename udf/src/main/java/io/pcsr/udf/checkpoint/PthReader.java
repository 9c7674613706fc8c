package io.pcsr.udf.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Reads an official PCSR checkpoint written by {@code torch.save} (the zip format of PyTorch
 * 1.6+): {@code <prefix>data.pkl} is a pickle of the checkpoint dict, whose tensors point at raw
 * storages {@code <prefix>data/<key>}.
 *
 * <p>Safe by construction: the pickle is interpreted by {@link SafeUnpickler}, which knows only
 * the globals a state dict needs and refuses all others ({@link UnsafeCheckpointException}).
 * Sizes are checked against {@link ReadLimits} and the archive before any allocation, and a
 * truncated or corrupt file gives a {@link CheckpointException} naming it.
 */
public final class PthReader {
  /** A pickle larger than this is not a state dict (the official ones are 9-32 KB). */
  static final long MAX_PICKLE_BYTES = 256L << 20;
  private static final String PICKLE_NAME = "data.pkl";

  private PthReader() {}

  public static Checkpoint read(Path file) throws IOException {
    return read(file, ReadLimits.DEFAULT);
  }

  public static Checkpoint read(Path file, ReadLimits limits) throws IOException {
    return read(readWhole(file), file.toString(), limits);
  }

  /** @param sourceName names the bytes in error messages (a path or URI) */
  public static Checkpoint read(byte[] bytes, String sourceName) throws IOException {
    return read(bytes, sourceName, ReadLimits.DEFAULT);
  }

  public static Checkpoint read(byte[] bytes, String sourceName, ReadLimits limits)
      throws IOException {
    Objects.requireNonNull(bytes, "bytes");
    Objects.requireNonNull(limits, "limits");
    String source = "checkpoint " + sourceName;
    try {
      return parse(ByteBuffer.wrap(bytes), source, limits);
    } catch (CheckpointException e) {
      throw e;
    } catch (RuntimeException e) {
      // every size is validated up front; this is a safety net so that a malformed file can
      // never surface as an unchecked exception in a caller that only handles IOException
      throw new CheckpointException(source + ": malformed checkpoint (" + e + ")", e);
    }
  }

  private static Checkpoint parse(ByteBuffer bytes, String source, ReadLimits limits)
      throws CheckpointException {
    ZipArchive zip = ZipArchive.open(bytes, source);
    String pickleName = pickleEntryName(zip, source);
    String prefix = pickleName.substring(0, pickleName.length() - PICKLE_NAME.length());
    ByteOrder order = byteOrder(zip, prefix, source);
    ZipArchive.Entry pickleEntry = zip.entry(pickleName).orElseThrow();
    ByteBuffer pickle = zip.read(pickleEntry, MAX_PICKLE_BYTES);
    TorchStorages storages = new TorchStorages(zip, prefix, order, limits, source);
    Object top = SafeUnpickler.load(pickle, source + ", entry " + pickleName,
        storages::resolve);
    return PcsrLayout.toCheckpoint(top, storages, limits, source);
  }

  /** The single entry named {@code data.pkl} or {@code <dir>/data.pkl}. */
  private static String pickleEntryName(ZipArchive zip, String source)
      throws CheckpointException {
    List<String> candidates = zip.names().stream()
        .filter(n -> n.equals(PICKLE_NAME) || n.endsWith("/" + PICKLE_NAME))
        .toList();
    if (candidates.isEmpty()) {
      throw new CheckpointException(source + ": the zip has no data.pkl entry, so it is not a "
          + "torch.save checkpoint (entries: " + zip.names().size() + ")");
    }
    if (candidates.size() > 1) {
      throw new CheckpointException(source + ": the zip has several data.pkl entries "
          + candidates.subList(0, Math.min(5, candidates.size())) + "; refusing to guess");
    }
    return candidates.get(0);
  }

  /** PyTorch 2.1+ records the storages' byte order; older files are little-endian. */
  private static ByteOrder byteOrder(ZipArchive zip, String prefix, String source)
      throws CheckpointException {
    var entry = zip.entry(prefix + "byteorder");
    if (entry.isEmpty()) {
      return ByteOrder.LITTLE_ENDIAN;
    }
    ByteBuffer content = zip.read(entry.get(), 16);
    String value = StandardCharsets.US_ASCII.decode(content).toString().trim();
    return switch (value) {
      case "little" -> ByteOrder.LITTLE_ENDIAN;
      case "big" -> ByteOrder.BIG_ENDIAN;
      default -> throw new CheckpointException(source + ": unknown byteorder '"
          + PickleValues.printable(value, 20) + "'");
    };
  }

  /** The whole file, refusing sizes no byte array can hold. */
  static byte[] readWhole(Path file) throws IOException {
    long size = Files.size(file);
    if (size > TensorData.MAX_ELEMENTS) {
      throw new CheckpointException("checkpoint " + file + " is " + size
          + " bytes; files over 2 GiB are not supported");
    }
    return Files.readAllBytes(file);
  }
}
