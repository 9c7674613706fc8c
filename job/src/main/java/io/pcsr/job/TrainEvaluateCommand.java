package io.pcsr.job;

import io.pcsr.udf.train.Evaluation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pcsr train evaluate}: PSNR-FLOPs table of models on a folder of HR images. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = "PSNR (RGB, shave = scale, LR by MATLAB bicubic in float) and FLOPs of PCSR "
        + "models over a folder of HR images, for a sweep of k, against bicubic; prints Markdown.")
public final class TrainEvaluateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "FILE",
      description = "PCSR checkpoint (.safetensors or official .pth); repeatable.")
  List<Path> models;

  @Option(names = "--val", required = true, paramLabel = "DIR", description = "HR images.")
  Path val;

  @Option(names = "--k", split = ",", defaultValue = "0",
      description = "Routing exponents, comma-separated (default 0).")
  List<Double> ks;

  @Option(names = "--refine", description = "Apply PCSR's pixel refinement.")
  boolean refine;

  @Option(names = "--scale", defaultValue = "4") int scale;

  @Option(names = "--markdown", paramLabel = "FILE", description = "Also write the table here.")
  Path markdown;

  @Override public Integer call() throws Exception {
    Evaluation eval = Evaluation.of(val, scale);
    var w = spec.commandLine().getOut();
    w.println(String.format(Locale.ROOT, "%d images from %s; bicubic %.3f dB", eval.images(), val,
        eval.bicubicPsnr()));
    w.flush();
    List<Evaluation.Row> rows = new ArrayList<>();
    for (Path m : models) {
      for (double k : ks) {
        Evaluation.Row r = eval.run(m, k, refine);
        rows.add(r);
        w.println(String.format(Locale.ROOT, "%s k=%s: %.3f dB, heavy %.1f %%, %.1f GFLOPs/Mpx (%.1f s)",
            r.model(), k, r.psnr(), 100 * r.heavyShare(), r.gflopsPerMegapixel(), r.seconds()));
        w.flush();
      }
    }
    String table = eval.markdown(rows);
    w.print(table);
    w.flush();
    if (markdown != null) {
      Files.writeString(markdown, table);
    }
    return 0;
  }
}
