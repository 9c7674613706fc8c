package io.pcsr.job;

import io.pcsr.udf.spark.HadoopConf;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Writes outputs so that no partial file ever carries the final name: a temporary name beside
 * the target, then a rename. Files written by a local writer (tiled TIFF) are made on the target
 * disk directly when the output is local, else in the executor's temp folder and then copied.
 */
final class OutputFiles implements java.io.Serializable {
  private static final long serialVersionUID = 1L;
  private final HadoopConf hadoop;
  private final String runId;

  OutputFiles(HadoopConf hadoop, String runId) {
    this.hadoop = hadoop;
    this.runId = runId;
  }

  /** Writes bytes under a temporary name, then renames. */
  void write(String target, byte[] bytes) throws IOException {
    Pending file = begin(target);
    try (OutputStream o = file.fs().create(file.temporary(), true)) {
      o.write(bytes);
    }
    file.publish();
  }

  /** Writes a file through a writer that takes a Hadoop path (Parquet's). */
  @FunctionalInterface
  interface PathWriter {
    void write(Path temporary) throws IOException;
  }

  /**
   * Lets {@code writer} write the target under a temporary name on the target's file system,
   * then renames; a failed write leaves only the hidden temporary name, which is removed.
   */
  void writeVia(String target, PathWriter writer) throws IOException {
    Pending file = begin(target);
    try {
      writer.write(file.temporary());
    } catch (IOException | RuntimeException e) {
      file.discard();
      throw e;
    }
    file.publish();
  }

  /**
   * A target being written under its temporary name, for writers that outlive one call (a
   * task's Parquet file, filled tile by tile as the task's iterator is consumed).
   */
  Pending begin(String target) throws IOException {
    Path dst = new Path(URI.create(target));
    return new Pending(fileSystem(dst), temporary(dst), dst);
  }

  /** A file under its temporary name until {@link #publish()}; {@link #discard()} removes it. */
  record Pending(FileSystem fs, Path temporary, Path target) {
    void publish() throws IOException {
      OutputFiles.publish(fs, temporary, target);
    }

    /** Best effort: a leftover temporary name is hidden and never shadows an output. */
    void discard() {
      try {
        fs.delete(temporary, false);
      } catch (IOException ignored) {
        // see above
      }
    }
  }

  /** A local file for a writer that needs random access; {@link #publish(String, java.nio.file.Path)} it. */
  java.nio.file.Path localFileFor(String target) throws IOException {
    Path dst = new Path(URI.create(target));
    FileSystem fs = fileSystem(dst);
    if (fs instanceof LocalFileSystem) {
      return java.nio.file.Path.of(temporary(dst).toUri());
    }
    return java.nio.file.Files.createTempFile("pcsr-" + runId + "-", "-" + dst.getName());
  }

  /** Moves a finished local file to the target name. */
  void publish(String target, java.nio.file.Path local) throws IOException {
    Path dst = new Path(URI.create(target));
    FileSystem fs = fileSystem(dst);
    Path src = new Path(local.toUri());
    if (fs instanceof LocalFileSystem) {
      publish(fs, src, dst);
      return;
    }
    Path tmp = temporary(dst);
    fs.copyFromLocalFile(true, true, src, tmp);
    publish(fs, tmp, dst);
  }

  /** Removes a local file left by a failed write. */
  static void discard(java.nio.file.Path local) {
    if (local != null) {
      try {
        java.nio.file.Files.deleteIfExists(local);
      } catch (IOException ignored) {
        // best effort: a leftover temporary name never shadows an output
      }
    }
  }

  private FileSystem fileSystem(Path dst) throws IOException {
    FileSystem fs = FileSystem.get(dst.toUri(), hadoop.get());
    fs.setWriteChecksum(false); // no .crc side files next to users' images on local disks
    fs.mkdirs(dst.getParent());
    return fs;
  }

  /**
   * A hidden name beside the target, of this run and this task attempt: a retried or
   * speculative attempt may still be writing while another one starts, and each must write a
   * file of its own (the last rename wins, and every renamed file is complete).
   */
  private Path temporary(Path dst) {
    org.apache.spark.TaskContext task = org.apache.spark.TaskContext.get();
    String attempt = task == null ? "" : "." + task.taskAttemptId();
    return new Path(dst.getParent(), "._" + dst.getName() + "." + runId + attempt + ".tmp");
  }

  private static void publish(FileSystem fs, Path tmp, Path dst) throws IOException {
    if (fs.exists(dst) && !fs.delete(dst, false)) {
      throw new IOException("cannot replace " + dst);
    }
    if (!fs.rename(tmp, dst)) {
      fs.delete(tmp, false);
      throw new IOException("cannot rename " + tmp + " to " + dst);
    }
  }
}
