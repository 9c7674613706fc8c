package io.pcsr.udf.checkpoint;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Builds torch.save-like zip archives for tests: a pickle plus raw storage entries. */
final class TorchZip {
  private final String prefix;
  private final Map<String, byte[]> entries = new LinkedHashMap<>();
  private boolean deflate;

  TorchZip(String prefix) {
    this.prefix = prefix;
  }

  TorchZip pickle(byte[] pickle) {
    entries.put(prefix + "data.pkl", pickle);
    return this;
  }

  TorchZip storage(String key, byte[] data) {
    entries.put(prefix + "data/" + key, data);
    return this;
  }

  TorchZip entry(String name, byte[] data) {
    entries.put(name, data);
    return this;
  }

  /** Compress entries (java.util.zip then writes data descriptors, as torch does). */
  TorchZip deflate() {
    deflate = true;
    return this;
  }

  byte[] toBytes() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        ZipEntry entry = new ZipEntry(e.getKey());
        if (!deflate) {
          entry.setMethod(ZipEntry.STORED);
          entry.setSize(e.getValue().length);
          entry.setCompressedSize(e.getValue().length);
          CRC32 crc = new CRC32();
          crc.update(e.getValue());
          entry.setCrc(crc.getValue());
        }
        zip.putNextEntry(entry);
        zip.write(e.getValue());
        zip.closeEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static byte[] floats(float... values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(values);
    return b.array();
  }

  static byte[] longs(long... values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    b.asLongBuffer().put(values);
    return b.array();
  }
}
