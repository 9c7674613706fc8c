package io.pcsr.job;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code deploy/pcsr} and of spark-submit. */
@Command(name = "pcsr", mixinStandardHelpOptions = true, version = "pcsr 0.1.0",
    description = "Pixel-level classification super-resolution (PCSR) on DJL/PyTorch and Spark.",
    subcommands = {RunCommand.class, DemoCommand.class, UpscaleCommand.class, BenchCommand.class, JobBenchCommand.class, VerifyCommand.class, TrainCommand.class, EvalCommand.class, ReportCommand.class})
public final class PcsrCli implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs a command line and returns its exit code (tests call this instead of main). */
  public static int execute(String... args) {
    Runtime.Defaults.apply();
    CommandLine cli = new CommandLine(new PcsrCli());
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      cmd.getErr().println("pcsr: " + ErrorMessages.of(e));
      if (Boolean.getBoolean("pcsr.debug")) {
        e.printStackTrace(cmd.getErr());
      }
      return 1;
    });
    return cli.execute(args);
  }
}
