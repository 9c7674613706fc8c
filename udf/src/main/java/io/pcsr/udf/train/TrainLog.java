package io.pcsr.udf.train;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The CSV training log, one row per logged step (validation columns empty between validations).
 * A resumed run first drops the rows after the step it resumes from, so the log never holds a
 * step twice.
 */
public final class TrainLog {
  public static final String HEADER = "phase,iteration,loss,l1,avg_loss,heavy_prob,lr,"
      + "val_psnr,val_bicubic_psnr,val_heavy_share,val_psnr_all_heavy,elapsed_s";

  private final Path file;

  TrainLog(Path file, long resumeFrom) throws IOException {
    this.file = file;
    if (resumeFrom > 0 && Files.exists(file)) {
      List<String> keep = new ArrayList<>();
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (line.startsWith("phase")) {
          keep.add(line);
          continue;
        }
        String[] f = line.split(",", -1);
        if (f.length > 1 && Long.parseLong(f[1]) <= resumeFrom) {
          keep.add(line);
        }
      }
      Files.write(file, keep, StandardCharsets.UTF_8);
    } else {
      Files.writeString(file, HEADER + "\n", StandardCharsets.UTF_8);
    }
  }

  public Path file() { return file; }

  void append(int phase, long iteration, double loss, double l1, double avgLoss, double heavyProb,
      double lr, Validation.Result val, double elapsedSeconds) throws IOException {
    String v = val == null ? ",,,"
        : String.format(Locale.ROOT, "%.4f,%.4f,%.4f,%.4f", val.psnr(), val.bicubicPsnr(),
            val.heavyShare(), val.psnrAllHeavy());
    String row = String.format(Locale.ROOT, "%d,%d,%s,%s,%s,%s,%.3e,%s,%.1f%n", phase, iteration,
        num(loss), num(l1), num(avgLoss), num(heavyProb), lr, v, elapsedSeconds);
    Files.writeString(file, row, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
  }

  private static String num(double d) {
    return Double.isNaN(d) ? "" : String.format(Locale.ROOT, "%.6f", d);
  }
}
