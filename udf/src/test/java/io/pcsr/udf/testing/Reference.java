package io.pcsr.udf.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pcsr.udf.image.FloatImage;
import io.pcsr.udf.image.ImageCodec;
import java.io.IOException;
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

  /** A 41 x 97 LR crop of the 2K test image: under k=0 it has light and heavy pixels both. */
  public static FloatImage lrCrop() throws IOException {
    return ImageCodec.read(file("images/test2k-1232-lr-x4.png")).crop(60, 100, 41, 97);
  }
}
