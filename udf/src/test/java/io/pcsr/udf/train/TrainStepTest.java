package io.pcsr.udf.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Optimisation steps on a tiny fixed synthetic batch, for each phase and backbone. */
class TrainStepTest {
  @BeforeAll
  static void oneThread() {
    Engine.getInstance();
    JniUtils.setNumThreads(1);
  }

  static Batch batch(TrainOptions o, float[] mean) {
    return new Trainer(o, null).makeBatch(Synthetic.images(3, 80, 80, 7), 1, mean);
  }

  static TrainOptions options(int phase, String backbone, int batch, int patch, int samples) {
    return TrainOptions.defaults(phase, Architecture.official(backbone), null, null, Path.of("unused"))
        .withBatch(batch, patch, samples);
  }

  @Test
  void phase0StepsReduceTheL1LossOfAFixedBatch() {
    try (NDManager root = NDManager.newBaseManager();
        PcsrTrainNet net = new PcsrTrainNet(Architecture.official("fsrcnn"), 0, root, 3);
        Adam adam = new Adam(root, 0.9, 0.99, 1e-8)) {
      Batch b = batch(options(0, "fsrcnn", 4, 12, 256), net.rgbMean());
      double first = Trainer.step(net, adam, b, 1e-3, root)[0];
      double last = first;
      for (int i = 0; i < 40; i++) {
        last = Trainer.step(net, adam, b, 1e-3, root)[0];
      }
      assertTrue(last < 0.7 * first, "loss " + first + " -> " + last);
      // nothing but the registered tensors is left in the store's manager
      assertEquals(net.store().arrayCount(), net.store().manager().getManagedArrays().size());
    }
  }

  @Test
  void phase1TrainsLightAndClassifierAndLeavesTheFrozenPartAlone() {
    try (NDManager root = NDManager.newBaseManager();
        PcsrTrainNet net0 = new PcsrTrainNet(Architecture.official("fsrcnn"), 0, root, 3);
        Adam adam0 = new Adam(root, 0.9, 0.99, 1e-8);
        PcsrTrainNet net1 = new PcsrTrainNet(Architecture.official("fsrcnn"), 1, root, 4);
        Adam adam1 = new Adam(root, 0.9, 0.99, 1e-8)) {
      Batch b = batch(options(0, "fsrcnn", 4, 12, 256), net0.rgbMean());
      for (int i = 0; i < 5; i++) {
        Trainer.step(net0, adam0, b, 1e-3, root);
      }
      net1.loadPhase0(net0.checkpoint(5), "phase0");
      float[] encoderBefore = net1.store().get("encoder.head_conv.0.weight").toFloatArray();
      float[] heavyBefore = net1.store().get("heavy_sampler.imnet.layers.8.weight").toFloatArray();
      float[] lightBefore = net1.store().get("light_sampler.imnet.layers.0.weight").toFloatArray();
      double[] first = Trainer.step(net1, adam1, b, 1e-3, root);
      double[] last = first;
      for (int i = 0; i < 40; i++) {
        last = Trainer.step(net1, adam1, b, 1e-3, root);
      }
      assertTrue(last[0] < first[0], "phase-1 loss " + first[0] + " -> " + last[0]);
      assertTrue(last[3] > 0 && last[3] < 1, "mean p_heavy " + last[3]);
      assertArrayEquals(encoderBefore, net1.store().get("encoder.head_conv.0.weight").toFloatArray());
      assertArrayEquals(heavyBefore,
          net1.store().get("heavy_sampler.imnet.layers.8.weight").toFloatArray());
      assertNotEquals(lightBefore[0],
          net1.store().get("light_sampler.imnet.layers.0.weight").toFloatArray()[0]);
    }
  }

  @Test
  void carnAndSrResNetTrainFromTheOfficialArgs() {
    for (String backbone : List.of("carn", "srresnet")) {
      try (NDManager root = NDManager.newBaseManager();
          PcsrTrainNet net0 = new PcsrTrainNet(Architecture.official(backbone), 0, root, 5);
          Adam adam0 = new Adam(root, 0.9, 0.99, 1e-8);
          PcsrTrainNet net1 = new PcsrTrainNet(Architecture.official(backbone), 1, root, 6);
          Adam adam1 = new Adam(root, 0.9, 0.99, 1e-8)) {
        Batch b = batch(options(0, backbone, 2, 8, 128), net0.rgbMean());
        double first = Trainer.step(net0, adam0, b, 2e-4, root)[0];
        double last = first;
        for (int i = 0; i < 4; i++) {
          last = Trainer.step(net0, adam0, b, 2e-4, root)[0];
        }
        assertTrue(Double.isFinite(last) && last < first, backbone + " phase 0: " + first + " -> " + last);
        net1.loadPhase0(net0.checkpoint(5), "phase0");
        double[] l1 = Trainer.step(net1, adam1, b, 2e-4, root);
        double[] l2 = Trainer.step(net1, adam1, b, 2e-4, root);
        assertTrue(Double.isFinite(l2[0]), backbone + " phase 1 loss " + l1[0] + " -> " + l2[0]);
        assertEquals(net1.store().arrayCount(), net1.store().manager().getManagedArrays().size());
      }
    }
  }

  @Test
  void carnBatchNormCountsItsTrainingSteps() {
    try (NDManager root = NDManager.newBaseManager();
        PcsrTrainNet net = new PcsrTrainNet(Architecture.official("carn"), 0, root, 5);
        Adam adam = new Adam(root, 0.9, 0.99, 1e-8)) {
      Batch b = batch(options(0, "carn", 2, 8, 64), net.rgbMean());
      Trainer.step(net, adam, b, 2e-4, root);
      Trainer.step(net, adam, b, 2e-4, root);
      var sd = net.checkpoint(2).stateDict();
      assertArrayEquals(new long[] {2}, sd.get("encoder.c1.1.num_batches_tracked").toLongs());
      // the shared residual block runs 3 times per block, its cascade convs once each
      assertArrayEquals(new long[] {2}, sd.get("encoder.b2.c3.1.num_batches_tracked").toLongs());
      float[] rm = sd.get("encoder.c1.1.running_mean").toFloats();
      assertNotEquals(0f, rm[0]); // moved off its initial 0
    }
  }
}
