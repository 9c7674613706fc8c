package io.pcsr.job.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The small FSRCNN-PCSR x4 model the distributed tests ship around: the official checkpoint
 * from {@code ../shared/reference} when that folder is there, else the model bundled in the udf
 * jar when this build has one, else none (the caller skips, saying why).
 */
public final class TestModels {
  private static final String OFFICIAL = "checkpoints/fsrcnn-pcsr-x4.pth";
  private static final String BUNDLED = "/io/pcsr/models/fsrcnn-pcsr-x4.safetensors";

  private TestModels() {}

  /** A local copy of the model under {@code dir}, or null when neither source exists. */
  public static Path fsrcnn(Path dir) throws IOException {
    Path reference = referenceDir();
    Path official = reference.resolve(OFFICIAL);
    Files.createDirectories(dir);
    if (Files.isRegularFile(official)) {
      Path copy = dir.resolve("fsrcnn-pcsr-x4.pth");
      Files.copy(official, copy, StandardCopyOption.REPLACE_EXISTING);
      return copy;
    }
    try (InputStream in = TestModels.class.getResourceAsStream(BUNDLED)) {
      if (in != null) {
        Path copy = dir.resolve("fsrcnn-pcsr-x4.safetensors");
        Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
        return copy;
      }
    }
    return null;
  }

  public static Path referenceDir() {
    return Path.of(System.getProperty("pcsr.reference.dir", "../../shared/reference"));
  }

  /** Why {@link #fsrcnn} found nothing, for the skip message. */
  public static String absence() {
    return "no FSRCNN-PCSR model: " + referenceDir().resolve(OFFICIAL) + " is absent and this build"
        + " bundles no " + BUNDLED + "; skipped";
  }
}
