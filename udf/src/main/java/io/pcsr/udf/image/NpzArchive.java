package io.pcsr.udf.image;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/** numpy .npz archives: a zip (stored or deflated) of .npy files, one per named array. */
public final class NpzArchive {
  private static final String SUFFIX = ".npy";
  /** A fixed entry time makes golden files byte-for-byte reproducible. */
  private static final LocalDateTime ENTRY_TIME = LocalDateTime.of(1980, 1, 1, 0, 0);

  private NpzArchive() {}

  /** Array name (entry name without ".npy") to array, in archive order. */
  public static Map<String, NpyArray> read(Path path) throws IOException {
    Map<String, NpyArray> arrays = new LinkedHashMap<>();
    try (ZipFile zip = new ZipFile(path.toFile())) {
      Enumeration<? extends ZipEntry> entries = zip.entries();
      while (entries.hasMoreElements()) {
        ZipEntry entry = entries.nextElement();
        if (entry.isDirectory() || !entry.getName().endsWith(SUFFIX)) {
          continue;
        }
        String label = "npz '" + path + "' entry '" + entry.getName() + "'";
        byte[] bytes;
        try (InputStream in = zip.getInputStream(entry)) {
          bytes = in.readAllBytes();
        }
        try {
          String name = entry.getName().substring(0, entry.getName().length() - SUFFIX.length());
          arrays.put(name, NpyFormat.parse(bytes, label));
        } catch (IllegalArgumentException e) {
          throw new IOException(e.getMessage(), e);
        }
      }
    } catch (java.util.zip.ZipException e) {
      throw new IOException("cannot read npz '" + path + "': not a valid zip archive ("
          + e.getMessage() + ")", e);
    }
    return Collections.unmodifiableMap(arrays);
  }

  /** One array of an archive; a clear error naming the available ones when it is missing. */
  public static NpyArray read(Path path, String name) throws IOException {
    Map<String, NpyArray> arrays = read(path);
    NpyArray array = arrays.get(name);
    if (array == null) {
      throw new IOException("npz '" + path + "' has no array '" + name + "' (it has "
          + arrays.keySet() + ")");
    }
    return array;
  }

  /** Writes a deflated archive (like np.savez_compressed) of .npy v1.0 entries, atomically. */
  public static void write(Map<String, NpyArray> arrays, Path path) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      zip.setMethod(ZipOutputStream.DEFLATED);
      for (Map.Entry<String, NpyArray> e : arrays.entrySet()) {
        ZipEntry entry = new ZipEntry(e.getKey() + SUFFIX);
        entry.setTimeLocal(ENTRY_TIME);
        zip.putNextEntry(entry);
        zip.write(NpyFormat.serialize(e.getValue()));
        zip.closeEntry();
      }
    }
    AtomicFiles.write(path, bytes.toByteArray());
  }
}
