package io.pcsr.udf.train;

import ai.djl.ndarray.NDArray;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * CARN-M without its upsampling tail, as the official PCSR encoder: entry 3x3 conv, three
 * cascading blocks, outer 1x1 "BasicBlocks" (conv without bias + BatchNorm + ReLU) over the
 * growing concatenation. Inside each block one efficient residual block (grouped 3x3, ReLU,
 * grouped 3x3, ReLU, 1x1, + input, ReLU) is applied three times with shared weights.
 *
 * <p>BatchNorm follows PyTorch: in training mode it normalises with the batch's statistics
 * (biased variance) and moves its running statistics by momentum 0.1 (unbiased variance); in
 * eval mode it uses the running statistics.
 */
final class CarnTrain implements TrainBackbone {
  static final float[] DIV2K_MEAN = {0.4488f, 0.4371f, 0.4040f};
  private final int nf;
  private final NDArray entryW, entryB;
  private final Block[] blocks = new Block[3];
  private final Cascade outer;

  CarnTrain(ParamStore p, String pre, int nf, int groups) {
    this.nf = nf;
    entryW = p.uniform(pre + "entry.weight", 27, nf, 3, 3, 3);
    entryB = p.uniform(pre + "entry.bias", 27, nf);
    for (int i = 0; i < 3; i++) {
      blocks[i] = new Block(p, pre + "b" + (i + 1) + ".", nf, groups);
    }
    outer = new Cascade(p, pre, nf);
  }

  @Override public int channels() { return nf; }

  @Override public float[] rgbMean() { return DIV2K_MEAN.clone(); }

  @Override public NDArray forward(NDArray x, boolean training) {
    NDArray c0 = Ops.conv(x, entryW, entryB, 1);
    List<UnaryOperator<NDArray>> units = List.of(
        h -> blocks[0].apply(h, training), h -> blocks[1].apply(h, training),
        h -> blocks[2].apply(h, training));
    return outer.run(c0, units, training);
  }

  /** o_i = BasicBlock_i(cat(c0, u_1, ..., u_i)), u_{i+1} = unit_{i+1}(o_i); returns o_3. */
  static final class Cascade {
    private final BasicBlock[] convs = new BasicBlock[3];

    Cascade(ParamStore p, String pre, int nf) {
      for (int i = 0; i < 3; i++) {
        convs[i] = new BasicBlock(p, pre + "c" + (i + 1) + ".", (i + 2) * nf, nf);
      }
    }

    NDArray run(NDArray c0, List<UnaryOperator<NDArray>> units, boolean training) {
      NDArray stack = c0;
      NDArray o = c0;
      for (int i = 0; i < 3; i++) {
        NDArray u = units.get(i).apply(o);
        stack = Ops.concatChannels(stack, u);
        o = convs[i].apply(stack, training);
      }
      return o;
    }
  }

  /** conv1x1 (no bias) + BatchNorm2d + ReLU, keys "{pre}0.weight" and "{pre}1.*". */
  static final class BasicBlock {
    static final double EPS = 1e-5;
    static final double MOMENTUM = 0.1;
    private final ParamStore p;
    private final String counterKey;
    private final NDArray w, gamma, beta, runningMean, runningVar;

    BasicBlock(ParamStore p, String pre, int cin, int cout) {
      this.p = p;
      w = p.uniform(pre + "0.weight", cin, cout, cin, 1, 1);
      gamma = p.constant(pre + "1.weight", 1f, cout);
      beta = p.constant(pre + "1.bias", 0f, cout);
      runningMean = p.buffer(pre + "1.running_mean", 0f, cout);
      runningVar = p.buffer(pre + "1.running_var", 1f, cout);
      counterKey = pre + "1.num_batches_tracked";
      p.counter(counterKey);
    }

    NDArray apply(NDArray x, boolean training) {
      NDArray y = Ops.pointwise(x, w, null);
      NDArray normalised;
      if (training) {
        long c = y.getShape().get(3);
        long n = y.size() / c;
        NDArray rows = y.reshape(n, c); // statistics per channel over batch and space
        NDArray mean = rows.mean(new int[] {0});
        NDArray centred = y.sub(mean);
        NDArray var = centred.reshape(n, c).square().mean(new int[] {0});
        normalised = centred.div(var.add((float) EPS).sqrt());
        updateRunning(mean, var, n);
      } else {
        normalised = y.sub(runningMean).div(runningVar.add((float) EPS).sqrt());
      }
      return Ops.relu(normalised.mul(gamma).add(beta));
    }

    private void updateRunning(NDArray mean, NDArray var, long n) {
      boolean grad = ai.djl.pytorch.jni.JniUtils.isGradMode();
      ai.djl.pytorch.jni.JniUtils.setGradMode(false);
      try {
        NDArray m = mean.stopGradient();
        NDArray v = var.stopGradient().mul((float) n / Math.max(1, n - 1));
        runningMean.muli((float) (1 - MOMENTUM)).addi(m.mul((float) MOMENTUM));
        runningVar.muli((float) (1 - MOMENTUM)).addi(v.mul((float) MOMENTUM));
      } finally {
        ai.djl.pytorch.jni.JniUtils.setGradMode(grad);
      }
      p.increment(counterKey);
    }
  }

  /** A CARN-M block: cascade of one efficient residual block used three times. */
  static final class Block {
    private final int groups;
    private final NDArray w0, b0, w2, b2, w4, b4;
    private final Cascade cascade;

    Block(ParamStore p, String pre, int nf, int groups) {
      this.groups = groups;
      String erb = pre + "b1.body.";
      int g = nf / groups;
      w0 = p.uniform(erb + "0.weight", g * 9, nf, g, 3, 3);
      b0 = p.uniform(erb + "0.bias", g * 9, nf);
      w2 = p.uniform(erb + "2.weight", g * 9, nf, g, 3, 3);
      b2 = p.uniform(erb + "2.bias", g * 9, nf);
      w4 = p.uniform(erb + "4.weight", nf, nf, nf, 1, 1);
      b4 = p.uniform(erb + "4.bias", nf, nf);
      cascade = new Cascade(p, pre, nf);
    }

    NDArray apply(NDArray x, boolean training) {
      UnaryOperator<NDArray> erb = this::residual;
      return cascade.run(x, List.of(erb, erb, erb), training);
    }

    private NDArray residual(NDArray x) {
      NDArray h = Ops.relu(Ops.conv(x, w0, b0, groups));
      h = Ops.relu(Ops.conv(h, w2, b2, groups));
      return Ops.relu(Ops.pointwise(h, w4, b4).add(x));
    }
  }
}
