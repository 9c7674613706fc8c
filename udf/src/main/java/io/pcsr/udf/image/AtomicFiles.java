package io.pcsr.udf.image;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Writes whole files so that readers never see a half-written one. */
final class AtomicFiles {
  private AtomicFiles() {}

  /** Writes to a temp file in the target's directory (same file system), then renames it. */
  static void write(Path target, byte[] bytes) throws IOException {
    Path absolute = target.toAbsolutePath();
    Path dir = absolute.getParent();
    Path tmp = Files.createTempFile(dir, "." + absolute.getFileName(), ".tmp");
    try {
      Files.write(tmp, bytes);
      // temp files are created owner-only; an output image should be as readable as any file
      // the user writes (the umask still applies to the directory)
      try {
        Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system: keep its defaults
      }
      try {
        Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
