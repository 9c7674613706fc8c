package io.pcsr.udf.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the official reference fixtures live (../shared/reference beside the project root).
 * They are never copied into the repository; tests that need them skip, saying why, when the
 * folder is absent (a user's fresh clone has none).
 */
public final class Reference {
  private Reference() {}

  /** The reference folder, or a skipped test with a message naming the missing path. */
  public static Path dir() {
    String configured = System.getProperty("pcsr.reference.dir");
    Path dir = configured != null ? Path.of(configured) : Path.of("..", "shared", "reference");
    if (!Files.isDirectory(dir)) {
      // running from a module directory: the project root is one level up
      Path fromModule = Path.of("..", "..", "shared", "reference");
      if (configured == null && Files.isDirectory(fromModule)) {
        dir = fromModule;
      }
    }
    assumeTrue(Files.isDirectory(dir), "official PCSR reference fixtures not found at "
        + dir.toAbsolutePath().normalize() + " (../shared/reference beside the project root); skipped");
    return dir.toAbsolutePath().normalize();
  }

  public static Path file(String relative) {
    Path p = dir().resolve(relative);
    assumeTrue(Files.exists(p), "reference file missing: " + p + "; skipped");
    return p;
  }
}
