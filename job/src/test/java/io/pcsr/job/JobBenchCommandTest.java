package io.pcsr.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pcsr.udf.image.FloatImage;
import io.pcsr.udf.image.ImageCodec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code bench-job} on a small real crop: the measurements come out (the job twice: images
 * assembled in their model tasks, and all after a shuffle), each positive, the job writes every
 * image, and the shared test session survives the command.
 */
class JobBenchCommandTest extends SparkTestBase {
  @TempDir Path tmp;

  @Test
  void printsBareEngineBareWithOutputsAndTheJob() throws Exception {
    Path ref = EvalCommandTest.reference();
    Path input = Files.createDirectories(tmp.resolve("in"));
    FloatImage lr = ImageCodec.read(ref.resolve("images/test2k-1232-lr-x4.png"));
    ImageCodec.write(lr.crop(40, 150, 60, 90), input.resolve("a.png"));
    ImageCodec.write(lr.crop(120, 20, 45, 70), input.resolve("b.png"));

    PrintStream stdout = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    int exit;
    try {
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      exit = new CommandLine(new JobBenchCommand()).execute("--input", input.toString(),
          "--model", ref.resolve("checkpoints/carn-pcsr-x4.pth").toString(),
          "--tile-size", "40", "--slots", "2", "--also-after-shuffle");
    } finally {
      System.setOut(stdout);
    }
    String out = captured.toString(StandardCharsets.UTF_8);
    System.out.print(out);
    assertEquals(0, exit);
    Assertions.assertTrue(seconds(out, "bare engine \\(same tiles, 2 threads\\):\\s+([0-9.]+) s") > 0, out);
    double withOutputs = seconds(out, "in plain threads: ([0-9.]+) s");
    Assertions.assertTrue(withOutputs > 0, out);
    Assertions.assertTrue(seconds(out, "full Spark job \\(local\\[2\\]\\):\\s+([0-9.]+) s") > 0, out);
    Assertions.assertTrue(seconds(out, "every image assembled after a shuffle:\\s+([0-9.]+) s") > 0, out);
    Assertions.assertTrue(out.contains("listed 2 = written 2 + errors 0"), out);
    assertEquals(2, spark().range(2).count(), "the test session is still up");
  }

  @Test
  void overheadRoundByRoundPairsTheJobWithItsOwnRound() {
    // round 2 was slow for all three ways: its overhead is still 10 % over the bare engine
    String line = JobBenchCommand.overheadByRound(java.util.List.of(30.0, 40.0, 29.0),
        java.util.List.of(31.5, 42.0, 30.0), java.util.List.of(33.0, 44.0, 29.0));
    Assertions.assertTrue(line.contains("median 10.0 % (0.0 to 10.0)"), line);
    Assertions.assertTrue(line.contains("with the outputs: median 4.8 % (-3.3 to 4.8)"), line);
  }

  private static double seconds(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    Assertions.assertTrue(m.find(), "no match for " + regex + " in:\n" + text);
    return Double.parseDouble(m.group(1));
  }
}
