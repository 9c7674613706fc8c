package io.pcsr.udf.checkpoint;

/**
 * A torch storage named by a persistent id: the zip entry {@code <prefix>data/<key>} holding
 * {@code numel} elements of {@code type}. Validated against the archive when it is created.
 */
record StorageRef(String key, TensorType type, long numel) {}
