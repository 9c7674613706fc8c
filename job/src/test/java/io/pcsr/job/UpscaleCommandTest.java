package io.pcsr.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pcsr.udf.image.FloatImage;
import io.pcsr.udf.image.ImageCodec;
import io.pcsr.udf.image.Quantizer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pcsr upscale} end to end on an official reference case. */
class UpscaleCommandTest {
  @TempDir Path tmp;

  static Path reference() {
    Path dir = Path.of(System.getProperty("pcsr.reference.dir", "../../shared/reference"));
    assumeTrue(Files.isDirectory(dir), "reference fixtures absent at " + dir + "; skipped");
    return dir;
  }

  @Test
  void writesImageClassMapAndStats() throws Exception {
    Path ref = reference();
    Path caseDir = ref.resolve("cases/test2k1232-carn-k0-refine");
    Path out = tmp.resolve("out/sr.png");
    Path map = tmp.resolve("out/map.png");
    Path stats = tmp.resolve("out/stats.json");
    int code = PcsrCli.execute("upscale", caseDir.resolve("lr.png").toString(), "-o", out.toString(),
        "--model", ref.resolve("checkpoints/carn-pcsr-x4.pth").toString(), "--k", "0",
        "--class-map", map.toString(), "--stats", stats.toString(),
        "--hr", caseDir.resolve("hr.png").toString());
    assertEquals(0, code);

    int[] ours = Quantizer.quantize(ImageCodec.read(out));
    int[] official = Quantizer.quantize(ImageCodec.read(caseDir.resolve("sr.png")));
    long same = 0;
    for (int i = 0; i < ours.length; i++) {
      same += ours[i] == official[i] ? 1 : 0;
    }
    assertTrue(same >= 0.999 * ours.length, "8-bit agreement " + (double) same / ours.length);

    JsonNode s = new ObjectMapper().readTree(stats.toFile());
    assertEquals(384 * 384, s.get("pixels").asLong());
    assertEquals(7_216_872_700L, s.get("flops_paper").asLong());
    assertTrue(s.get("flops_true").asLong() < s.get("flops_paper").asLong());
    assertEquals(29.4626, s.get("psnr").asDouble(), 0.005);
    assertTrue(s.get("time_ms").asDouble() > 0);

    FloatImage classMap = ImageCodec.read(map);
    long heavy = 0;
    for (int i = 0; i < 384 * 384; i++) {
      int v = Quantizer.toUint8(classMap.data()[i]);
      assertTrue(v == 0 || v == 255, "image-mode class map is binary");
      heavy += v == 255 ? 1 : 0;
    }
    assertEquals(s.get("heavy_pixels").asLong(), heavy);
  }

  @Test
  void failsClearlyWithoutAModelOrOnABadInput() throws Exception {
    Path bad = tmp.resolve("not-an-image.png");
    Files.writeString(bad, "hello");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream old = System.err;
    System.setErr(new PrintStream(err, true));
    try {
      assertEquals(1, PcsrCli.execute("upscale", bad.toString(), "-o", tmp.resolve("x.png").toString(),
          "--model", tmp.resolve("missing.pth").toString()));
      Path model = reference().resolve("checkpoints/fsrcnn-pcsr-x4.pth");
      assertEquals(1, PcsrCli.execute("upscale", bad.toString(), "-o", tmp.resolve("x.png").toString(),
          "--model", model.toString()));
    } finally {
      System.setErr(old);
    }
    String text = err.toString();
    assertTrue(text.contains("model file not found"), text);
    assertTrue(text.contains("not-an-image.png"), text);
    assertFalse(Files.exists(tmp.resolve("x.png")), "no output for a failed run");
  }
}
