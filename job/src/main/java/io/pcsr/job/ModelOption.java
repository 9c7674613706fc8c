package io.pcsr.job;

import io.pcsr.udf.spark.HadoopConf;
import io.pcsr.udf.spark.ModelFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Option;

/** {@code --model}: a PCSR checkpoint (official .pth or .safetensors); default the bundled one. */
public final class ModelOption {
  @Option(names = "--model", paramLabel = "PATH",
      description = "PCSR checkpoint: official .pth or .safetensors (default: the bundled "
          + "FSRCNN-PCSR x4, see MODEL_CARD.md).")
  Path model;

  Path resolve() {
    if (model == null) {
      return ModelFiles.resolve(PcsrConf.MODEL_DEFAULT, new HadoopConf(new Configuration(false)));
    }
    if (!Files.isRegularFile(model)) {
      throw new IllegalArgumentException("model file not found: " + model);
    }
    return model;
  }
}
