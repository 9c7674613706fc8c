package io.pcsr.udf.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import io.pcsr.udf.checkpoint.Checkpoint;
import io.pcsr.udf.checkpoint.CheckpointLoader;
import io.pcsr.udf.checkpoint.PthReader;
import io.pcsr.udf.checkpoint.SafetensorsFormat;
import io.pcsr.udf.checkpoint.TensorData;
import io.pcsr.udf.model.PcsrModel;
import io.pcsr.udf.testing.Reference;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the trainer saves has exactly the official state-dict keys (in file order), shapes, dtypes
 * and args of the released checkpoints, after a few real training steps of both phases.
 */
class CheckpointLayoutTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(strings = {"fsrcnn", "carn"})
  void trainedPhase1MatchesTheOfficialCheckpoint(String backbone) throws Exception {
    Checkpoint official = PthReader.read(Reference.file("checkpoints/" + backbone + "-pcsr-x4.pth"));
    Checkpoint mine = trainBothPhases(backbone, tmp.resolve(backbone + ".safetensors"));
    assertEquals(official.modelName(), mine.modelName());
    assertEquals(official.args(), mine.args());
    Map<String, TensorData> a = official.stateDict();
    Map<String, TensorData> b = mine.stateDict();
    assertEquals(List.copyOf(a.keySet()), List.copyOf(b.keySet()));
    for (String k : a.keySet()) {
      assertArrayEquals(a.get(k).shape(), b.get(k).shape(), k);
      assertEquals(a.get(k).type(), b.get(k).type(), k);
    }
  }

  @Test
  void phase0CheckpointIsTheOfficialPhase0Layout() throws Exception {
    try (NDManager root = NDManager.newBaseManager();
        PcsrTrainNet net = new PcsrTrainNet(Architecture.official("fsrcnn"), 0, root, 1)) {
      Checkpoint c = net.checkpoint(7);
      assertEquals(PcsrModel.PHASE0, c.modelName());
      assertEquals(List.of("encoder_spec", "heavy_sampler_spec"), List.copyOf(c.args().keySet()));
      assertEquals(18 + 10, c.stateDict().size()); // encoder 18 tensors, heavy MLP 5 layers
      assertEquals(7L, c.iteration().getAsLong());
    }
  }

  /** Two steps of phase 0, two of phase 1, saved as safetensors and read back. */
  static Checkpoint trainBothPhases(String backbone, Path file) throws Exception {
    Architecture arch = Architecture.official(backbone);
    try (NDManager root = NDManager.newBaseManager();
        PcsrTrainNet net0 = new PcsrTrainNet(arch, 0, root, 1);
        Adam adam0 = new Adam(root, 0.9, 0.99, 1e-8);
        PcsrTrainNet net1 = new PcsrTrainNet(arch, 1, root, 2);
        Adam adam1 = new Adam(root, 0.9, 0.99, 1e-8)) {
      Batch b = TrainStepTest.batch(TrainStepTest.options(0, backbone, 2, 8, 64), net0.rgbMean());
      Trainer.step(net0, adam0, b, 1e-3, root);
      Trainer.step(net0, adam0, b, 1e-3, root);
      net1.loadPhase0(net0.checkpoint(2), "phase0");
      Trainer.step(net1, adam1, b, 1e-3, root);
      Trainer.step(net1, adam1, b, 1e-3, root);
      SafetensorsFormat.write(net1.checkpoint(2), file);
    }
    Checkpoint back = CheckpointLoader.load(file);
    try (NDManager m = NDManager.newBaseManager()) {
      PcsrModel.fromCheckpoint(back, m, file.toString()).close(); // the inference loader takes it
    }
    return back;
  }
}
