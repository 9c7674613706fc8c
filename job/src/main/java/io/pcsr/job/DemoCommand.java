package io.pcsr.job;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pcsr demo}: the Spark job on embedded Spark over the bundled sample images. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Run the Spark job locally on the bundled sample images with the bundled model.")
public final class DemoCommand implements Callable<Integer> {
  @Option(names = "--output", defaultValue = "pcsr-demo", paramLabel = "DIR",
      description = "Where to write (default ./pcsr-demo).")
  Path output;

  @Option(names = "--model", paramLabel = "URI", description = "Another model instead of the bundled one.")
  String model;

  @Option(names = "--routing", defaultValue = "adaptive", paramLabel = "POLICY",
      description = "k=K, adaptive (default), heavy-share=S or flops=G.")
  String routing;

  @Override public Integer call() {
    Path samples = Path.of(System.getProperty("pcsr.home", "."), "deploy", "samples");
    if (!Files.isDirectory(samples)) {
      throw new IllegalStateException("sample images not found at " + samples.toAbsolutePath()
          + " (run the demo through deploy/pcsr, or set -Dpcsr.home to the project folder)");
    }
    List<String> args = new ArrayList<>(List.of("--input", samples.toString(), "--output",
        output.toString(), "--overwrite", "--stats-pixels", "full", "--class-overlay",
        "--conf", PcsrConf.ROUTING + "=" + routing));
    if (model != null) {
      args.add("--model");
      args.add(model);
    }
    System.out.println("pcsr demo: " + samples + " -> " + output.toAbsolutePath());
    int code = new CommandLine(new RunCommand()).execute(args.toArray(String[]::new));
    if (code == 0) {
      System.out.println("\nLook at: " + output.toAbsolutePath().resolve("images")
          + " (super-resolved x4)\n         " + output.toAbsolutePath().resolve("overlays")
          + " (green: light pixels, red: heavy)\n         " + output.toAbsolutePath().resolve("_stats")
          + " (Parquet: images, tiles, pixels, errors; query them with spark.sql)");
    }
    return code;
  }
}
