package io.pcsr.udf.train;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.pcsr.udf.checkpoint.SafetensorsFormat;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Phase 1 starts only from a phase-0 model of the same architecture. */
class Phase1RefusalTest {
  @TempDir Path tmp;

  private TrainOptions phase1(Path phase0) {
    return TrainOptions.defaults(1, Architecture.official("fsrcnn"), tmp.resolve("no-data"), null,
        tmp.resolve("out")).withPhase0(phase0);
  }

  @Test
  void withoutAPhase0Checkpoint() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> new Trainer(phase1(null), null).run());
    assertTrue(e.getMessage().contains("phase-0"), e.getMessage());
  }

  @Test
  void withAMissingPhase0File() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> new Trainer(phase1(tmp.resolve("phase0.safetensors")), null).run());
    assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
  }

  @Test
  void withAPhase1ModelInsteadOfPhase0() throws Exception {
    Path p = tmp.resolve("phase1.safetensors");
    try (NDManager root = NDManager.newBaseManager();
        PcsrTrainNet net = new PcsrTrainNet(Architecture.official("fsrcnn"), 1, root, 1)) {
      SafetensorsFormat.write(net.checkpoint(1), p);
    }
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> new Trainer(phase1(p), null).run());
    assertTrue(e.getMessage().contains("pcsr-phase1"), e.getMessage());
  }

  @Test
  void withAPhase0ModelOfAnotherBackbone() throws Exception {
    try (NDManager root = NDManager.newBaseManager();
        PcsrTrainNet carn0 = new PcsrTrainNet(Architecture.official("carn"), 0, root, 1);
        PcsrTrainNet fsrcnn1 = new PcsrTrainNet(Architecture.official("fsrcnn"), 1, root, 1)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> fsrcnn1.loadPhase0(carn0.checkpoint(1), "carn0"));
      assertTrue(e.getMessage().contains("not of the requested fsrcnn"), e.getMessage());
    }
  }
}
