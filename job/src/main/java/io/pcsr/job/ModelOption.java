package io.pcsr.job;

import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --model}: a PCSR checkpoint (official .pth or the project's safetensors). */
public final class ModelOption {
  @Option(names = "--model", paramLabel = "PATH",
      description = "PCSR checkpoint: official .pth or .safetensors.")
  Path model;

  Path resolve() {
    if (model == null) {
      throw new IllegalArgumentException("--model is required: no bundled default model yet "
          + "(official checkpoints are in the PCSR repository's save/ folder)");
    }
    if (!Files.isRegularFile(model)) {
      throw new IllegalArgumentException("model file not found: " + model);
    }
    return model;
  }
}
