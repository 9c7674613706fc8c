package io.pcsr.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pcsr.udf.checkpoint.Checkpoint;
import io.pcsr.udf.checkpoint.CheckpointLoader;
import io.pcsr.udf.image.FloatImage;
import io.pcsr.udf.image.ImageCodec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pcsr train} end to end on tiny synthetic data: both phases, resume, refusal, evaluate. */
class TrainCommandTest {
  @TempDir Path tmp;

  private record Run(int code, String out, String err) {}

  private static Run pcsr(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      int code = PcsrCli.execute(args);
      return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  private static void images(Path dir, int n, long seed) throws Exception {
    Files.createDirectories(dir);
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = 0; i < n; i++) {
      int h = 48;
      int w = 56;
      float[] d = new float[3 * h * w];
      double f = 0.1 + 0.3 * r.nextDouble();
      for (int c = 0; c < 3; c++) {
        for (int y = 0; y < h; y++) {
          for (int x = 0; x < w; x++) {
            double v = 0.5 + 0.3 * Math.sin(f * x + c) * Math.cos(f * y) + (x > w / 2 ? 0.1 : 0);
            d[(c * h + y) * w + x] = (float) Math.max(0, Math.min(1, v));
          }
        }
      }
      ImageCodec.write(new FloatImage(3, h, w, d), dir.resolve("i" + i + ".png"), "png");
    }
  }

  private String[] common(Path out, int phase, int iterations) {
    return new String[] {"train", "--phase", String.valueOf(phase), "--data",
        tmp.resolve("train").toString(), "--val", tmp.resolve("val").toString(), "--out",
        out.toString(), "--iterations", String.valueOf(iterations), "--batch", "2", "--patch", "8",
        "--samples", "64", "--log-every", "2", "--validate-every", "3", "--save-every", "3",
        "--val-crop", "32"};
  }

  private static String[] plus(String[] a, String... more) {
    String[] r = java.util.Arrays.copyOf(a, a.length + more.length);
    System.arraycopy(more, 0, r, a.length, more.length);
    return r;
  }

  @Test
  void bothPhasesResumeAndEvaluate() throws Exception {
    images(tmp.resolve("train"), 3, 1);
    images(tmp.resolve("val"), 1, 2);
    Path out = tmp.resolve("run");

    Run p0 = pcsr(common(out, 0, 6));
    assertEquals(0, p0.code(), p0.err());
    assertTrue(p0.out().contains("val "), p0.out());
    for (String f : List.of("phase0.safetensors", "phase0-optimizer.safetensors", "phase0-log.csv",
        "phase0-curve.png")) {
      assertTrue(Files.size(out.resolve(f)) > 0, f);
    }
    Checkpoint c0 = CheckpointLoader.load(out.resolve("phase0.safetensors"));
    assertEquals("pcsr-phase0", c0.modelName());
    assertEquals(6L, c0.iteration().getAsLong());

    // refuses to overwrite; --resume continues where it stopped, the log keeps each step once
    Run again = pcsr(common(out, 0, 8));
    assertEquals(1, again.code());
    assertTrue(again.err().contains("--resume"), again.err());
    Run resumed = pcsr(plus(common(out, 0, 8), "--resume"));
    assertEquals(0, resumed.code(), resumed.err());
    assertTrue(resumed.out().contains("resumed from"), resumed.out());
    List<String> log = Files.readAllLines(out.resolve("phase0-log.csv"));
    List<String> iterations = log.stream().skip(1).map(l -> l.split(",")[1]).toList();
    assertEquals(List.of("2", "3", "4", "6", "8"), iterations);
    assertEquals(8L, CheckpointLoader.load(out.resolve("phase0.safetensors")).iteration().getAsLong());

    Run p1 = pcsr(common(out, 1, 4));
    assertEquals(0, p1.code(), p1.err());
    assertTrue(p1.out().contains("k=0 heavy"), p1.out());
    assertTrue(Files.size(out.resolve("phase1-curve.png")) > 0);
    assertEquals("pcsr-phase1", CheckpointLoader.load(out.resolve("phase1.safetensors")).modelName());

    Path md = tmp.resolve("table.md");
    Run ev = pcsr("train", "evaluate", "--model", out.resolve("phase1.safetensors").toString(),
        "--val", tmp.resolve("val").toString(), "--k", "-1,0,2", "--markdown", md.toString());
    assertEquals(0, ev.code(), ev.err());
    String table = Files.readString(md);
    assertTrue(table.contains("| bicubic |"), table);
    assertEquals(3 + 3, table.lines().count(), table); // header, rule, bicubic, 3 k values
  }

  @Test
  void phase1RefusesToStartWithoutPhase0() throws Exception {
    images(tmp.resolve("train"), 1, 1);
    images(tmp.resolve("val"), 1, 2);
    Run r = pcsr(common(tmp.resolve("empty"), 1, 4));
    assertEquals(1, r.code());
    assertTrue(r.err().contains("phase-0 checkpoint"), r.err());
    assertTrue(!Files.exists(tmp.resolve("empty/phase1.safetensors")));
  }
}
