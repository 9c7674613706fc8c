package io.pcsr.udf.train;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The default model shipped in the jar: FSRCNN-PCSR x4 trained from scratch by this project
 * ({@code pcsr train}, see MODEL_CARD.md), in the official fsrcnn-pcsr architecture.
 */
public final class BundledModel {
  /** Class-path location of the safetensors file. */
  public static final String RESOURCE = "/io/pcsr/models/fsrcnn-pcsr-x4.safetensors";

  private static Path file;

  private BundledModel() {}

  /** The model as a file (the loaders read files): extracted once per JVM to a temp file. */
  public static synchronized Path file() {
    if (file == null) {
      try (InputStream in = BundledModel.class.getResourceAsStream(RESOURCE)) {
        if (in == null) {
          throw new IllegalStateException("bundled model " + RESOURCE + " is not on the class path");
        }
        Path tmp = Files.createTempFile("pcsr-fsrcnn-pcsr-x4-", ".safetensors");
        tmp.toFile().deleteOnExit();
        Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
        file = tmp;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot extract the bundled model: " + e.getMessage(), e);
      }
    }
    return file;
  }
}
