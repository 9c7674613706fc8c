package io.pcsr.udf.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pcsr.udf.image.FloatImage;
import io.pcsr.udf.model.PcsrModel;
import io.pcsr.udf.routing.RoutingPolicy;
import io.pcsr.udf.testing.Floats;
import io.pcsr.udf.testing.Reference;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Chunks of whole LR rows come back from the device in raster order and are added row by row;
 * other chunks are scattered sub-pixel by sub-pixel. Both layouts must give the same image.
 * Width 97: a chunk of 97 is one row (every offset of the heavy MLP in one product), 291 three
 * rows (light in raster order, heavy scattered), 100 never row-aligned, and the whole image.
 * The light upsampler and the classifier stay in libtorch here (as on a GPU), so that their
 * raster-order paths are the ones compared.
 */
class ChunkLayoutTest {

  @AfterAll
  static void release() {
    ModelCache.clear();
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"carn, all-heavy", "carn, k=0", "carn, adaptive", "fsrcnn, heavy-share=0.3"})
  void rowAlignedChunksEqualScatteredOnes(String backbone, String routing) throws IOException {
    FloatImage lr = Reference.lrCrop();
    RoutingPolicy policy = RoutingPolicy.parse(routing.equals("all-heavy") ? "k=-25" : routing);
    var checkpoint = Reference.dir().resolve("checkpoints/" + backbone + "-pcsr-x4.pth");
    PcsrModel model = ModelCache.engine(checkpoint, 4).model();
    SrResult scattered;
    try (PcsrEngine engine = new PcsrEngine(model, 4, 100, false)) {
      scattered = new Upscaler(engine).upscale(lr, policy, true);
    }
    for (int chunk : new int[] {97, 291, 97 * 41}) {
      SrResult rows;
      try (PcsrEngine engine = new PcsrEngine(model, 4, chunk, false)) {
        rows = new Upscaler(engine).upscale(lr, policy, true);
      }
      assertArrayEquals(scattered.heavyShare(), rows.heavyShare(), "classes, chunk " + chunk);
      double max = Floats.maxAbsDiff(scattered.image().data(), rows.image().data());
      double maxP = Floats.maxAbsDiff(scattered.pHeavy(), rows.pHeavy());
      assertTrue(max <= 1e-5, "chunk " + chunk + ": max |diff| " + max);
      assertTrue(maxP <= 1e-6, "chunk " + chunk + ": p_heavy max |diff| " + maxP);
    }
  }
}
