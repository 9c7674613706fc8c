package io.pcsr.udf.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pcsr.udf.image.FloatImage;
import io.pcsr.udf.image.ImageCodec;
import io.pcsr.udf.image.ImageMetrics;
import io.pcsr.udf.image.MatlabBicubic;
import io.pcsr.udf.routing.RoutingPolicy;
import io.pcsr.udf.testing.Reference;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * ../shared/reference/full-image-results.json: the whole 1680x1104 demo image, LR by MATLAB
 * bicubic in float, every setting's PSNR within 0.01 dB and FLOPs as the official counter gives.
 */
class FullImageResultsTest {
  private static FloatImage hr;
  private static FloatImage lr;

  @BeforeAll
  static void load() throws IOException {
    hr = MatlabBicubic.cropToMultiple(ImageCodec.read(Reference.file("images/test2k-1232-hr.png")), 4);
    lr = MatlabBicubic.downscale(hr, 4);
  }

  @AfterAll
  static void release() {
    ModelCache.clear();
  }

  static Stream<String> settings() throws IOException {
    JsonNode results = results();
    List<String> names = new ArrayList<>();
    results.fieldNames().forEachRemaining(names::add);
    return names.stream();
  }

  private static JsonNode results() throws IOException {
    return new ObjectMapper().readTree(Reference.file("full-image-results.json").toFile()).get("results");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("settings")
  void reproduces(String setting) throws IOException {
    JsonNode expected = results().get(setting);
    String backbone = setting.startsWith("carn") ? "carn" : "fsrcnn";
    Path ckpts = Reference.dir().resolve("checkpoints");
    SrResult r;
    if (setting.contains("original")) {
      r = new OriginalUpscaler(ModelCache.original(ckpts.resolve(backbone + "-x4.pth"))).upscale(lr);
    } else {
      Upscaler up = new Upscaler(ModelCache.engine(ckpts.resolve(backbone + "-pcsr-x4.pth"), 4));
      RoutingPolicy policy = setting.contains("adm") ? new RoutingPolicy.Adaptive()
          : new RoutingPolicy.KRule(setting.contains("k-25") ? -25 : setting.contains("k1") ? 1 : 0);
      r = up.upscale(lr, policy, setting.contains("refine"));
      double perFlip = up.cost().heavyPerHrPixel().paper() - up.cost().lightPerHrPixel().paper();
      assertEquals(expected.get("heavy_share").asDouble(), r.heavyFraction(), 1e-5, "heavy share");
      double psnr = ImageMetrics.psnr(r.image(), hr, 4);
      System.out.printf("%-28s PSNR %.4f (official %.4f)  GFLOPs %.3f (official %.3f)  %.2f s%n",
          setting, psnr, expected.get("psnr").asDouble(), r.flops().paper() / 1e9,
          expected.get("flops").asDouble() / 1e9, r.nanos() / 1e9);
      assertEquals(expected.get("psnr").asDouble(), psnr, 0.01, "PSNR");
      // The FLOP model is exact: the official figure is our cost of an integer heavy count.
      double officialHeavy = (expected.get("flops").asDouble()
          - up.cost().image(r.decisions() / 16, 0).paper()) / perFlip;
      assertEquals(Math.rint(officialHeavy), officialHeavy, 1e-6, "official FLOPs off the FLOP model");
      assertEquals(expected.get("flops").asLong(),
          Math.round(up.cost().image(r.decisions() / 16, Math.round(officialHeavy)).paper()));
      // Ours differ only by near-tie pixels (float noise between libtorch builds): <= 1e-5
      long flips = Math.abs(Math.round(officialHeavy) - r.heavyPixels());
      System.out.printf("  heavy pixels %d, official %d: %d near-tie flips%n", r.heavyPixels(),
          Math.round(officialHeavy), flips);
      assertTrue(flips <= r.decisions() / 100_000, flips + " pixels routed differently");
      return;
    }
    double psnr = ImageMetrics.psnr(r.image(), hr, 4);
    System.out.printf("%-28s PSNR %.4f (official %.4f)  GFLOPs %.3f (official %.3f)  %.2f s%n",
        setting, psnr, expected.get("psnr").asDouble(), r.flops().paper() / 1e9,
        expected.get("flops").asDouble() / 1e9, r.nanos() / 1e9);
    assertEquals(expected.get("psnr").asDouble(), psnr, 0.01, "PSNR");
    assertEquals(expected.get("flops").asLong(), Math.round(r.flops().paper()), "FLOPs");
  }
}
