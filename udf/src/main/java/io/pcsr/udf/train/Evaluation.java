package io.pcsr.udf.train;

import io.pcsr.udf.image.FloatImage;
import io.pcsr.udf.image.ImageMetrics;
import io.pcsr.udf.image.MatlabBicubic;
import io.pcsr.udf.infer.ModelCache;
import io.pcsr.udf.infer.SrResult;
import io.pcsr.udf.infer.Upscaler;
import io.pcsr.udf.model.LayerCost;
import io.pcsr.udf.routing.RoutingPolicy;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Whole-image evaluation of PCSR models through the inference path ({@link Upscaler}, image
 * mode): each HR image is top-left cropped to a multiple of the scale, LR is made from it by
 * MATLAB-style bicubic in float (as the official test code does), and RGB PSNR is measured on
 * quantised values with {@code scale} pixels shaved, averaged over images. Bicubic upscaling of
 * the same LR is the baseline.
 */
public final class Evaluation {
  /** One model at one routing setting, averaged over the images. */
  public record Row(String model, double k, boolean refine, double psnr, double heavyShare,
      double gflopsPerMegapixel, double flopShareOfAllHeavy, double seconds) {}

  /** Per-image inputs, prepared once. */
  private record Item(String name, FloatImage hr, FloatImage lr, double bicubicPsnr) {}

  private final List<Item> items = new ArrayList<>();
  private final int scale;

  public Evaluation(TrainImages images, int scale) {
    this.scale = scale;
    for (TrainImages.Image img : images.images()) {
      FloatImage hr = MatlabBicubic.cropToMultiple(img.toFloat(), scale);
      FloatImage lr = MatlabBicubic.downscale(hr, scale);
      FloatImage bicubic = MatlabBicubic.resize(lr, hr.height(), hr.width());
      items.add(new Item(img.name(), hr, lr, ImageMetrics.psnr(bicubic, hr, scale)));
    }
  }

  /** The images of a folder (files below a "halve" folder shrunk x2 first, as in training). */
  public static Evaluation of(Path dir, int scale) throws IOException {
    return new Evaluation(TrainImages.load(dir, 8 * scale), scale);
  }

  public int images() { return items.size(); }

  public List<String> imageNames() {
    return items.stream().map(Item::name).toList();
  }

  public double bicubicPsnr() {
    return items.stream().mapToDouble(Item::bicubicPsnr).average().orElse(Double.NaN);
  }

  /** Per-image bicubic PSNRs, in {@link #imageNames()} order. */
  public double[] bicubicPsnrs() {
    return items.stream().mapToDouble(Item::bicubicPsnr).toArray();
  }

  /** The model at routing rule k (heavy iff p_heavy / p_light > r^k). */
  public Row run(Path model, double k, boolean refine) {
    return run(model, k, refine, null);
  }

  /**
   * As {@link #run(Path, double, boolean)}; when {@code perImage} is not null it receives the
   * per-image PSNRs.
   */
  public Row run(Path model, double k, boolean refine, double[] perImage) {
    Upscaler up = new Upscaler(ModelCache.engine(model, scale));
    RoutingPolicy policy = new RoutingPolicy.KRule(k);
    double psnr = 0;
    long heavy = 0;
    long decisions = 0;
    double flops = 0;
    double allHeavy = 0;
    long hrPixels = 0;
    long t0 = System.nanoTime();
    for (int i = 0; i < items.size(); i++) {
      Item it = items.get(i);
      SrResult r = up.upscale(it.lr, policy, refine);
      double p = ImageMetrics.psnr(r.image(), it.hr, scale);
      if (perImage != null) {
        perImage[i] = p;
      }
      psnr += p;
      heavy += r.heavyPixels();
      decisions += r.decisions();
      flops += r.flops().paper();
      long lrPixels = (long) it.lr.height() * it.lr.width();
      LayerCost full = up.cost().image(lrPixels, lrPixels * scale * scale);
      allHeavy += full.paper();
      hrPixels += lrPixels * scale * scale;
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    return new Row(model.getFileName().toString(), k, refine, psnr / items.size(),
        (double) heavy / decisions, flops / hrPixels * 1e6 / 1e9, flops / allHeavy, seconds);
  }

  /** A Markdown table of rows, with the bicubic baseline first. */
  public String markdown(List<Row> rows) {
    StringBuilder s = new StringBuilder();
    s.append("| model | k | refine | PSNR (dB) | vs bicubic | heavy share | GFLOPs/Mpx | FLOPs vs all-heavy |\n");
    s.append("|---|---:|---|---:|---:|---:|---:|---:|\n");
    double bic = bicubicPsnr();
    s.append(String.format(Locale.ROOT, "| bicubic | | | %.3f | | | | |%n", bic));
    for (Row r : rows) {
      s.append(String.format(Locale.ROOT, "| %s | %s | %s | %.3f | %+.3f | %.1f %% | %.1f | %.1f %% |%n",
          r.model(), fmtK(r.k()), r.refine() ? "yes" : "no", r.psnr(), r.psnr() - bic,
          100 * r.heavyShare(), r.gflopsPerMegapixel(), 100 * r.flopShareOfAllHeavy()));
    }
    return s.toString();
  }

  private static String fmtK(double k) {
    return k == Math.rint(k) ? String.valueOf((long) k) : String.valueOf(k);
  }
}
