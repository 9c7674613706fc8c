package io.pcsr.udf.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.pcsr.udf.checkpoint.Checkpoint;
import io.pcsr.udf.checkpoint.CheckpointLoader;
import io.pcsr.udf.checkpoint.TensorData;
import io.pcsr.udf.cost.PcsrCost;
import io.pcsr.udf.testing.Reference;
import java.io.IOException;
import java.util.LinkedHashMap;
import org.junit.jupiter.api.Test;

/**
 * Per-component FLOPs in the official convention, against the figures derived from the
 * official configs (reference notes §3.5), and the routing cost lists the official code uses.
 */
class ModelCostTest {

  @Test
  void carnPcsrCostsMatchTheOfficialCounter() throws IOException {
    try (NDManager m = NDManager.newBaseManager();
        PcsrModel model = PcsrModel.fromCheckpoint(
            CheckpointLoader.load(Reference.file("checkpoints/carn-pcsr-x4.pth")), m, "carn")) {
      PcsrCost c = PcsrCost.of(model, 4);
      assertEquals(466_440, model.backbone().costPerLrPixel().paper());
      assertEquals(1_360, c.classifierPerHrPixel().paper());
      assertEquals(3_960, c.lightPerHrPixel().paper());
      assertEquals(41_588, c.heavyPerHrPixel().paper());
      double[] cost = model.routingCost(4);
      assertEquals(0.3188, cost[0], 1e-4);
      assertEquals(0.6812, cost[1], 1e-4);
      assertTrue(c.heavyPerHrPixel().executed() < c.heavyPerHrPixel().paper(),
          "the split first layer runs fewer multiply-adds per HR pixel");
    }
  }

  @Test
  void fsrcnnAndOriginalsMatchTheOfficialCounter() throws IOException {
    try (NDManager m = NDManager.newBaseManager();
        PcsrModel pcsr = PcsrModel.fromCheckpoint(
            CheckpointLoader.load(Reference.file("checkpoints/fsrcnn-pcsr-x4.pth")), m, "f");
        OriginalModel fsrcnn = OriginalModel.fromCheckpoint(
            CheckpointLoader.load(Reference.file("checkpoints/fsrcnn-x4.pth")), m, "fo");
        OriginalModel carn = OriginalModel.fromCheckpoint(
            CheckpointLoader.load(Reference.file("checkpoints/carn-x4.pth")), m, "co")) {
      assertEquals(19_992, pcsr.backbone().costPerLrPixel().paper());
      assertArrayEquals(new double[] {0.0900, 0.9100}, pcsr.routingCost(4), 1e-4);
      assertEquals(457_048, fsrcnn.costPerLrPixel().paper());
      // counted honestly, the transposed conv costs 16x less than the official counter says
      assertEquals(21_592 + 27_216, fsrcnn.costPerLrPixel().executed());
      assertEquals(1_129_344, carn.costPerLrPixel().paper());
    }
  }

  @Test
  void refusesACheckpointThatDoesNotMatchItsDeclaredArchitecture() throws IOException {
    Checkpoint official = CheckpointLoader.load(Reference.file("checkpoints/fsrcnn-pcsr-x4.pth"));
    LinkedHashMap<String, TensorData> sd = official.stateDict();
    sd.put("heavy_sampler.imnet.layers.2.weight",
        TensorData.ofFloats(new long[] {57, 58}, new float[57 * 58]));
    Checkpoint wrongShape = new Checkpoint(official.modelName(), official.args(), sd,
        official.iteration());
    try (NDManager m = NDManager.newBaseManager()) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> PcsrModel.fromCheckpoint(wrongShape, m, "bad.pth"));
      assertTrue(e.getMessage().contains("heavy_sampler.imnet.layers.2.weight"), e.getMessage());
      LinkedHashMap<String, TensorData> extra = official.stateDict();
      extra.put("encoder.extra.weight", TensorData.ofFloats(new long[] {1}, new float[1]));
      Checkpoint withExtra = new Checkpoint(official.modelName(), official.args(), extra,
          official.iteration());
      e = assertThrows(IllegalArgumentException.class,
          () -> PcsrModel.fromCheckpoint(withExtra, m, "extra.pth"));
      assertTrue(e.getMessage().contains("encoder.extra.weight"), e.getMessage());
    }
  }
}
