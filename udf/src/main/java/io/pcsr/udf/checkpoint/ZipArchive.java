package io.pcsr.udf.checkpoint;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Optional;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A read-only view of a zip archive held in memory, driven by its central directory.
 *
 * <p>Why not {@code java.util.zip}: torch.save writes stored entries with data descriptors (sizes
 * only after the data), which {@code ZipInputStream} rejects, and {@code ZipFile} needs a file on
 * disk, while checkpoints also arrive as bytes. Stored entries are returned as slices, without
 * copying; every size and offset is checked against the buffer before use.
 */
final class ZipArchive {
  /** One central-directory record. */
  record Entry(String name, int method, long compressedSize, long size, long crc,
      long localHeaderOffset) {}

  private static final int EOCD_SIGNATURE = 0x06054b50;
  private static final int ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
  private static final int ZIP64_EOCD_SIGNATURE = 0x06064b50;
  private static final int CENTRAL_SIGNATURE = 0x02014b50;
  private static final int LOCAL_SIGNATURE = 0x04034b50;
  private static final int EOCD_SIZE = 22;
  private static final int MAX_COMMENT = 0xffff;
  private static final int STORED = 0;
  private static final int DEFLATED = 8;

  private final ByteBuffer data;
  private final String source;
  private final LinkedHashMap<String, Entry> entries;

  private ZipArchive(ByteBuffer data, String source, LinkedHashMap<String, Entry> entries) {
    this.data = data;
    this.source = source;
    this.entries = entries;
  }

  /** Parses the central directory of {@code bytes} (the whole archive). */
  static ZipArchive open(ByteBuffer bytes, String source) throws CheckpointException {
    ByteBuffer data = bytes.slice().order(ByteOrder.LITTLE_ENDIAN);
    int eocd = findEndOfCentralDirectory(data, source);
    long entryCount = u16(data, eocd + 10);
    long directorySize = u32(data, eocd + 12);
    long directoryOffset = u32(data, eocd + 16);
    if (entryCount == 0xffff || directorySize == 0xffffffffL || directoryOffset == 0xffffffffL) {
      long[] zip64 = readZip64End(data, eocd, source);
      entryCount = zip64[0];
      directorySize = zip64[1];
      directoryOffset = zip64[2];
    }
    if (directoryOffset + directorySize > eocd) {
      throw new CheckpointException(source + ": corrupt zip: central directory (offset "
          + directoryOffset + ", " + directorySize + " bytes) overlaps its end record at " + eocd);
    }
    LinkedHashMap<String, Entry> entries = new LinkedHashMap<>();
    int pos = (int) directoryOffset;
    int end = (int) (directoryOffset + directorySize);
    for (long i = 0; i < entryCount; i++) {
      Entry e = readCentralRecord(data, pos, end, source);
      if (entries.put(e.name(), e) != null) {
        throw new CheckpointException(source + ": corrupt zip: entry '" + e.name()
            + "' appears twice; refusing to guess which one is meant");
      }
      pos += 46 + u16(data, pos + 28) + u16(data, pos + 30) + u16(data, pos + 32);
    }
    return new ZipArchive(data, source, entries);
  }

  Set<String> names() {
    return entries.keySet();
  }

  Optional<Entry> entry(String name) {
    return Optional.ofNullable(entries.get(name));
  }

  /**
   * The uncompressed bytes of {@code e} (little-endian order, position 0), checked against the
   * entry's CRC. {@code maxBytes} bounds what a compressed entry may inflate to.
   */
  ByteBuffer read(Entry e, long maxBytes) throws CheckpointException {
    if (e.size() > maxBytes || e.size() > TensorData.MAX_ELEMENTS) {
      throw new CheckpointException(source + ": zip entry '" + e.name() + "' is " + e.size()
          + " bytes, more than the " + Math.min(maxBytes, TensorData.MAX_ELEMENTS)
          + " allowed for it");
    }
    long local = e.localHeaderOffset();
    if (local + 30 > data.limit() || data.getInt((int) local) != LOCAL_SIGNATURE) {
      throw new CheckpointException(source + ": corrupt zip: no local header for entry '"
          + e.name() + "' at offset " + local);
    }
    long start = local + 30 + u16(data, (int) local + 26) + u16(data, (int) local + 28);
    if (start + e.compressedSize() > data.limit()) {
      throw new CheckpointException(source + ": zip entry '" + e.name() + "' needs bytes up to "
          + (start + e.compressedSize()) + " but the archive has only " + data.limit()
          + " (truncated?)");
    }
    ByteBuffer raw = data.slice((int) start, (int) e.compressedSize());
    ByteBuffer content;
    if (e.method() == STORED) {
      if (e.compressedSize() != e.size()) {
        throw new CheckpointException(source + ": corrupt zip: stored entry '" + e.name()
            + "' has compressed size " + e.compressedSize() + " != size " + e.size());
      }
      content = raw;
    } else {
      content = inflate(e, raw);
    }
    CRC32 crc = new CRC32();
    crc.update(content.duplicate());
    if (crc.getValue() != e.crc()) {
      throw new CheckpointException(source + ": zip entry '" + e.name()
          + "' fails its CRC check (the file is corrupt)");
    }
    return content.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
  }

  private ByteBuffer inflate(Entry e, ByteBuffer raw) throws CheckpointException {
    byte[] out = new byte[(int) e.size()];
    Inflater inflater = new Inflater(true);
    try {
      inflater.setInput(raw);
      int n = 0;
      while (n < out.length && !inflater.finished()) {
        int got = inflater.inflate(out, n, out.length - n);
        if (got == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
          break;
        }
        n += got;
      }
      if (n != out.length) {
        throw new CheckpointException(source + ": zip entry '" + e.name() + "' inflates to "
            + n + " bytes, not the " + out.length + " its directory declares");
      }
    } catch (DataFormatException ex) {
      throw new CheckpointException(source + ": zip entry '" + e.name()
          + "' is not valid deflate data: " + ex.getMessage(), ex);
    } finally {
      inflater.end();
    }
    return ByteBuffer.wrap(out);
  }

  private static int findEndOfCentralDirectory(ByteBuffer data, String source)
      throws CheckpointException {
    int lowest = Math.max(0, data.limit() - EOCD_SIZE - MAX_COMMENT);
    for (int pos = data.limit() - EOCD_SIZE; pos >= lowest; pos--) {
      if (data.getInt(pos) == EOCD_SIGNATURE
          && pos + EOCD_SIZE + u16(data, pos + 20) <= data.limit()) {
        return pos;
      }
    }
    throw new CheckpointException(source + ": not a complete zip archive (no end-of-central-"
        + "directory record in its last " + (data.limit() - lowest) + " bytes): the file is "
        + "truncated or is not a torch.save checkpoint");
  }

  /** {entry count, directory size, directory offset} from the zip64 end record. */
  private static long[] readZip64End(ByteBuffer data, int eocd, String source)
      throws CheckpointException {
    int locator = eocd - 20;
    if (locator < 0 || data.getInt(locator) != ZIP64_LOCATOR_SIGNATURE) {
      throw new CheckpointException(source + ": corrupt zip: end record points to zip64 "
          + "but there is no zip64 locator");
    }
    long recordOffset = data.getLong(locator + 8);
    if (recordOffset < 0 || recordOffset + 56 > locator
        || data.getInt((int) recordOffset) != ZIP64_EOCD_SIGNATURE) {
      throw new CheckpointException(source + ": corrupt zip: bad zip64 end record offset "
          + recordOffset);
    }
    int r = (int) recordOffset;
    long count = data.getLong(r + 32);
    long size = data.getLong(r + 40);
    long offset = data.getLong(r + 48);
    if (count < 0 || size < 0 || offset < 0 || offset > data.limit()
        || size > data.limit() - offset) {
      throw new CheckpointException(source + ": corrupt zip: bad zip64 central directory "
          + "(offset " + offset + ", " + size + " bytes)");
    }
    return new long[] {count, size, offset};
  }

  private static Entry readCentralRecord(ByteBuffer data, int pos, int end, String source)
      throws CheckpointException {
    if (pos + 46 > end || data.getInt(pos) != CENTRAL_SIGNATURE) {
      throw new CheckpointException(source + ": corrupt zip: bad central directory record at "
          + pos);
    }
    int flags = u16(data, pos + 8);
    int method = u16(data, pos + 10);
    long crc = u32(data, pos + 16);
    long compressedSize = u32(data, pos + 20);
    long size = u32(data, pos + 24);
    int nameLength = u16(data, pos + 28);
    int extraLength = u16(data, pos + 30);
    int commentLength = u16(data, pos + 32);
    long localOffset = u32(data, pos + 42);
    if (pos + 46L + nameLength + extraLength + commentLength > end) {
      throw new CheckpointException(source + ": corrupt zip: central record at " + pos
          + " runs past the directory");
    }
    byte[] nameBytes = new byte[nameLength];
    data.get(pos + 46, nameBytes);
    String name = new String(nameBytes, StandardCharsets.UTF_8);
    if ((flags & 1) != 0) {
      throw new CheckpointException(source + ": zip entry '" + name + "' is encrypted");
    }
    if (method != STORED && method != DEFLATED) {
      throw new CheckpointException(source + ": zip entry '" + name + "' uses compression "
          + "method " + method + "; only stored and deflated are supported");
    }
    if (size == 0xffffffffL || compressedSize == 0xffffffffL || localOffset == 0xffffffffL) {
      // zip64: the real values sit in extra field 0x0001, only for fields saturated here
      long[] wide = {size, compressedSize, localOffset};
      readZip64Extra(data, pos + 46 + nameLength, extraLength, wide, name, source);
      size = wide[0];
      compressedSize = wide[1];
      localOffset = wide[2];
    }
    if (size < 0 || compressedSize < 0 || localOffset < 0 || localOffset >= data.limit()) {
      throw new CheckpointException(source + ": corrupt zip: entry '" + name
          + "' has impossible sizes or offset");
    }
    return new Entry(name, method, compressedSize, size, crc, localOffset);
  }

  private static void readZip64Extra(ByteBuffer data, int start, int length, long[] wide,
      String name, String source) throws CheckpointException {
    int pos = start;
    while (pos + 4 <= start + length) {
      int id = u16(data, pos);
      int size = u16(data, pos + 2);
      if (id == 0x0001) {
        int field = pos + 4;
        for (int i = 0; i < wide.length; i++) {
          if (wide[i] == 0xffffffffL) {
            if (field + 8 > pos + 4 + size) {
              throw new CheckpointException(source + ": corrupt zip: short zip64 extra field "
                  + "for entry '" + name + "'");
            }
            wide[i] = data.getLong(field);
            field += 8;
          }
        }
        return;
      }
      pos += 4 + size;
    }
    throw new CheckpointException(source + ": corrupt zip: entry '" + name
        + "' needs a zip64 extra field and has none");
  }

  private static int u16(ByteBuffer b, int pos) {
    return b.getShort(pos) & 0xffff;
  }

  private static long u32(ByteBuffer b, int pos) {
    return b.getInt(pos) & 0xffffffffL;
  }
}
