package io.pcsr.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.pcsr.udf.image.FloatImage;
import io.pcsr.udf.image.ImageCodec;
import io.pcsr.udf.image.ImageMetrics;
import io.pcsr.udf.infer.ChunkChoice;
import io.pcsr.udf.infer.ModelCache;
import io.pcsr.udf.infer.SrResult;
import io.pcsr.udf.infer.Upscaler;
import io.pcsr.udf.model.Precision;
import io.pcsr.udf.routing.RoutingPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** One image, one JVM, no Spark. */
@Command(name = "upscale", mixinStandardHelpOptions = true,
    description = "Super-resolve one image with PCSR and write an 8-bit PNG.")
public final class UpscaleCommand implements Callable<Integer> {
  enum Mode { image, patch }

  @Parameters(index = "0", paramLabel = "INPUT", description = "LR image (PNG, JPEG or TIFF).")
  Path input;

  @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUTPUT",
      description = "Output PNG (8-bit RGB, round half to even).")
  Path output;

  @Mixin ModelOption model;

  @Mixin RoutingOptions routing;

  @Mixin PrecisionOption precision;

  @Option(names = "--no-refine", description = "Skip PCSR's pixel refinement.")
  boolean noRefine;

  @Option(names = "--mode", defaultValue = "image",
      description = "image: whole LR at once (default); patch: the paper's 32/28 LR patches.")
  Mode mode;

  @Option(names = "--scale", defaultValue = "4", description = "Integer upscaling factor (default 4).")
  int scale;

  @Option(names = "--class-map", paramLabel = "MAP.png",
      description = "8-bit gray PNG: round(255 x heavy share) per output pixel.")
  Path classMap;

  @Option(names = "--stats", paramLabel = "STATS.json", description = "Write run statistics as JSON.")
  Path stats;

  @Option(names = "--hr", paramLabel = "REFERENCE.png",
      description = "Ground truth HR image: adds PSNR and SSIM (RGB, border = scale) to the stats.")
  Path hr;

  @Override public Integer call() throws Exception {
    Path modelPath = model.resolve(); // fail on a bad model before decoding anything
    Precision p = precision.resolve();
    FloatImage lr = ImageCodec.read(input);
    Upscaler upscaler = new Upscaler(ModelCache.engine(modelPath, scale, ChunkChoice.AUTO,
        ChunkChoice.GPU_MAX_DEFAULT, p), Upscaler.HOST_WHOLE_IMAGE_HEAP_SHARE);
    RoutingPolicy policy = routing.policy();
    SrResult r = mode == Mode.patch
        ? upscaler.upscalePatches(lr, policy, !noRefine)
        : upscaler.upscale(lr, policy, !noRefine);
    createParent(output);
    ImageCodec.write(r.image(), output, "png");
    if (classMap != null) {
      createParent(classMap);
      int[] gray = new int[r.heavyShare().length];
      for (int i = 0; i < gray.length; i++) {
        gray[i] = (int) Math.rint(255.0 * r.heavyShare()[i]);
      }
      ImageCodec.writeGray8(gray, r.image().height(), r.image().width(), classMap);
    }
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("input", input.toString());
    s.put("output", output.toString());
    s.put("model", modelPath.toString());
    s.put("routing", policy.describe());
    s.put("mode", mode.name());
    s.put("refine", !noRefine);
    s.put("precision", p.label());
    s.put("chunk_lr_pixels", upscaler.engine().chunkLrPixels());
    s.put("scale", scale);
    s.put("width", r.image().width());
    s.put("height", r.image().height());
    s.put("pixels", (long) r.image().width() * r.image().height());
    s.put("heavy_pixels", r.heavyPixels());
    s.put("heavy_share", r.heavyFraction());
    s.put("flops_paper", Math.round(r.flops().paper()));
    s.put("flops_true", Math.round(r.flops().executed()));
    s.put("time_ms", r.nanos() / 1_000_000.0);
    if (hr != null) {
      FloatImage reference = ImageCodec.read(hr);
      if (reference.height() != r.image().height() || reference.width() != r.image().width()) {
        FloatImage cropped = reference.crop(0, 0, Math.min(reference.height(), r.image().height()),
            Math.min(reference.width(), r.image().width()));
        if (cropped.height() != r.image().height() || cropped.width() != r.image().width()) {
          throw new IllegalArgumentException("--hr image is " + reference.width() + "x"
              + reference.height() + ", smaller than the " + r.image().width() + "x"
              + r.image().height() + " output");
        }
        reference = cropped;
      }
      s.put("psnr", ImageMetrics.psnr(r.image(), reference, scale));
      s.put("ssim", ImageMetrics.ssim(r.image(), reference, scale));
    }
    if (stats != null) {
      createParent(stats);
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(stats.toFile(), s);
    }
    System.out.printf("%s -> %s  %dx%d  heavy %.1f%%  %.2f GFLOPs (paper) / %.2f (executed)  %.0f ms%s%n",
        input, output, r.image().width(), r.image().height(), 100 * r.heavyFraction(),
        r.flops().paper() / 1e9, r.flops().executed() / 1e9, r.nanos() / 1e6,
        s.containsKey("psnr") ? String.format("  PSNR %.2f dB", (double) s.get("psnr")) : "");
    return 0;
  }

  static void createParent(Path p) throws java.io.IOException {
    Path parent = p.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
  }
}
