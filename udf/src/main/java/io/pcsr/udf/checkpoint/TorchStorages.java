package io.pcsr.udf.checkpoint;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;

/**
 * The storages of a torch.save archive: resolves persistent ids to {@link StorageRef}s, checking
 * each declared size against the limits and against the zip entry before anything is read, and
 * hands out the entry bytes (cached, since tensors may share a storage).
 */
final class TorchStorages {
  private final ZipArchive zip;
  private final String prefix;
  private final ByteOrder order;
  private final ReadLimits limits;
  private final String source;
  private final Map<String, ByteBuffer> bytesByKey = new HashMap<>();

  TorchStorages(ZipArchive zip, String prefix, ByteOrder order, ReadLimits limits, String source) {
    this.zip = zip;
    this.prefix = prefix;
    this.order = order;
    this.limits = limits;
    this.source = source;
  }

  /**
   * The persistent id {@code ('storage', torch.XStorage, key, location, numel)}, as
   * BINPERSID hands it over.
   */
  StorageRef resolve(Object persistentId) throws CheckpointException {
    if (!(persistentId instanceof PyTuple pid) || pid.size() != 5
        || !"storage".equals(pid.get(0))) {
      throw new CheckpointException(source + ": unexpected persistent id "
          + PickleValues.describe(persistentId) + "; expected ('storage', type, key, "
          + "location, numel)");
    }
    if (!(pid.get(1) instanceof TorchGlobal g) || g.storageType().isEmpty()) {
      throw new CheckpointException(source + ": persistent id names "
          + PickleValues.describe(pid.get(1)) + " instead of a torch storage type");
    }
    if (!(pid.get(2) instanceof String key) || !(pid.get(4) instanceof Long numel)
        || numel < 0) {
      throw new CheckpointException(source + ": malformed storage persistent id (key "
          + PickleValues.describe(pid.get(2)) + ", numel " + PickleValues.describe(pid.get(4))
          + ")");
    }
    TensorType type = g.storageType().get();
    String entryName = entryName(key);
    if (numel > limits.maxTensorElements() || numel > Long.MAX_VALUE / Long.BYTES) {
      throw new CheckpointException(source + ": storage '" + entryName + "' declares " + numel
          + " elements, more than the limit of " + limits.maxTensorElements()
          + " (ReadLimits.maxTensorElements)");
    }
    ZipArchive.Entry entry = zip.entry(entryName).orElseThrow(() -> new CheckpointException(
        source + ": storage entry '" + entryName + "' is missing from the archive"));
    long needed = numel * type.byteSize();
    if (entry.size() != needed) {
      throw new CheckpointException(source + ": storage entry '" + entryName + "' holds "
          + entry.size() + " bytes but its persistent id declares " + numel + " " + type
          + " elements (" + needed + " bytes); the file is corrupt or truncated");
    }
    return new StorageRef(key, type, numel);
  }

  /** The storage's bytes in the archive's byte order, position 0. */
  ByteBuffer bytes(StorageRef storage) throws CheckpointException {
    ByteBuffer cached = bytesByKey.get(storage.key());
    if (cached == null) {
      String name = entryName(storage.key());
      ZipArchive.Entry entry = zip.entry(name).orElseThrow(() -> new CheckpointException(
          source + ": storage entry '" + name + "' is missing from the archive"));
      cached = zip.read(entry, storage.numel() * storage.type().byteSize());
      bytesByKey.put(storage.key(), cached);
    }
    return cached.duplicate().order(order);
  }

  private String entryName(String key) {
    return prefix + "data/" + key;
  }
}
