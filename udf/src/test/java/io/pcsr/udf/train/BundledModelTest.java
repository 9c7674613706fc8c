package io.pcsr.udf.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pcsr.udf.checkpoint.Checkpoint;
import io.pcsr.udf.checkpoint.CheckpointLoader;
import io.pcsr.udf.image.FloatImage;
import io.pcsr.udf.image.ImageCodec;
import io.pcsr.udf.image.ImageMetrics;
import io.pcsr.udf.image.MatlabBicubic;
import io.pcsr.udf.infer.ModelCache;
import io.pcsr.udf.infer.SrResult;
import io.pcsr.udf.infer.Upscaler;
import io.pcsr.udf.model.PcsrModel;
import io.pcsr.udf.routing.RoutingPolicy;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped default model: official fsrcnn-pcsr layout, loads for inference, beats bicubic. */
class BundledModelTest {
  @TempDir Path tmp;

  @Test
  void isAnOfficialFsrcnnPcsrUnder5MB() throws Exception {
    Path f = BundledModel.file();
    assertTrue(Files.size(f) < 5L << 20, "size " + Files.size(f));
    Checkpoint c = CheckpointLoader.load(f);
    assertEquals(PcsrModel.PHASE1, c.modelName());
    assertEquals(Architecture.official("fsrcnn").args(1), c.args());
    assertEquals(38, c.stateDict().size());
  }

  /** A 160x160 crop of scikit-image's astronaut (NASA photo, public domain). */
  @Test
  void beatsBicubicOnACommittedImage() throws Exception {
    Path png = tmp.resolve("astronaut-160.png");
    try (InputStream in = getClass().getResourceAsStream("astronaut-160.png")) {
      Files.copy(in, png);
    }
    FloatImage hr = ImageCodec.read(png);
    FloatImage lr = MatlabBicubic.downscale(hr, 4);
    double bicubic = ImageMetrics.psnr(MatlabBicubic.resize(lr, 160, 160), hr, 4);
    Upscaler up = new Upscaler(ModelCache.engine(BundledModel.file(), 4));
    SrResult k0 = up.upscale(lr, new RoutingPolicy.KRule(0), true);
    double psnr = ImageMetrics.psnr(k0.image(), hr, 4);
    assertTrue(psnr > bicubic + 0.5, "bundled model " + psnr + " dB vs bicubic " + bicubic + " dB");
    assertTrue(k0.heavyFraction() > 0.05 && k0.heavyFraction() < 0.95,
        "k=0 heavy share " + k0.heavyFraction());
  }
}
