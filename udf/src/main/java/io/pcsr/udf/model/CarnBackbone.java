package io.pcsr.udf.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.List;

/**
 * CARN-M as in the official code: entry 3x3 conv, three cascading blocks and outer 1x1
 * "BasicBlocks" (conv without bias + BatchNorm + ReLU) over the growing concatenation. Inside a
 * block one efficient residual block (grouped 3x3, ReLU, grouped 3x3, ReLU, 1x1, + input, ReLU)
 * is applied three times with the same weights.
 *
 * <p>The concatenations are never built: a 1x1 conv over cat(a, b, c) equals the sum of 1x1
 * convs over a, b and c with the matching column blocks of the weight, which saves copying
 * the growing stack at every step.
 *
 * <p>On a CPU with the vector module the whole backbone runs on the JVM's SIMD units instead
 * ({@link CarnOnHost}), built from these weights on first use.
 */
public final class CarnBackbone implements Backbone {
  private final int nf;
  private final int groups;
  private final NDArray entryW, entryB;
  private final Cascade outer;
  private final List<Block> blocks = new ArrayList<>();
  /** The backbone on the host, built on first use (it needs the vector module). */
  private CarnOnHost onHost;

  public CarnBackbone(Weights w, int nf, int groups) {
    this.nf = nf;
    this.groups = groups;
    entryW = w.array("entry.weight", nf, 3, 3, 3);
    entryB = w.array("entry.bias", nf);
    for (int i = 1; i <= 3; i++) {
      blocks.add(new Block(w.at("b" + i), nf, groups));
    }
    outer = new Cascade(w, nf);
  }

  @Override public String name() { return "carn"; }

  @Override public int channels() { return nf; }

  /** entry 3x3 plus 3 blocks x 3 residual-block uses x two 3x3 convs. */
  @Override public int receptiveRadius() { return 1 + 3 * 3 * 2; }

  @Override public NDArray features(NDArray x) {
    return features(x, HostSimd.OFF);
  }

  @Override public NDArray features(NDArray x, HostSimd host) {
    if (host.enabled() && hasHostKernels() && readable(x)) {
      return onHost().features(x, host.parallel());
    }
    try (NDArray c0 = Nhwc.conv(x, entryW, entryB, 1)) {
      return outer.run(c0, blocks);
    }
  }

  @Override public PlanarFeatures planarFeatures(NDArray x, HostSimd host, int y0, int x0, int h,
      int w) {
    if (host.enabled() && hasHostKernels() && readable(x)) {
      return onHost().planarFeatures(x, host.parallel(), y0, x0, h, w);
    }
    return Backbone.super.planarFeatures(x, host, y0, x0, h, w);
  }

  @Override public long hostPeakBytes(int h, int w) {
    return hasHostKernels() ? CarnOnHost.peakBytes(nf, h, w) : Long.MAX_VALUE;
  }

  /** Whether the host path reads {@code x}: float32 on the CPU, NHWC. */
  private static boolean readable(NDArray x) {
    return !x.getDevice().isGpu() && x.getDataType() == DataType.FLOAT32
        && x.getShape().dimension() == 4;
  }

  @Override public boolean hasHostKernels() {
    return CarnOnHost.supports(nf, groups);
  }

  private synchronized CarnOnHost onHost() {
    if (onHost == null) {
      CarnOnHost.Builder b = new CarnOnHost.Builder(nf, groups).entry(entryW, entryB);
      for (Block block : blocks) {
        b.block(block.w0, block.b0, block.w2, block.b2, block.w4, block.b4,
            block.cascade.weights, block.cascade.biases);
      }
      onHost = b.build(outer.weights, outer.biases);
    }
    return onHost;
  }

  @Override public LayerCost costPerLrPixel() {
    return cost(nf, groups);
  }

  static LayerCost cost(int nf, int groups) {
    LayerCost blockCost = Block.cost(nf, groups).times(3).plus(Cascade.cost(nf));
    return LayerCost.conv(3, 3, nf, 1).plus(blockCost.times(3)).plus(Cascade.cost(nf));
  }

  @Override public void close() {
    entryW.close();
    entryB.close();
    blocks.forEach(Block::close);
    outer.close();
  }

  /** A unit applied inside a cascade: a CARN block at the top level, an ERB inside a block. */
  interface Unit {
    NDArray apply(NDArray x);
  }

  /**
   * The cascade shared by the network and each block: o_i = BasicBlock_i(cat(c0, u_1, ..., u_i)),
   * u_{i+1} = unit_{i+1}(o_i); returns o_3.
   */
  static final class Cascade implements AutoCloseable {
    /** weights[i][j]: column block j of the folded 1x1 conv c_{i+1}. */
    private final NDArray[][] weights = new NDArray[3][];
    private final NDArray[] biases = new NDArray[3];

    Cascade(Weights w, int nf) {
      for (int i = 0; i < 3; i++) {
        int parts = i + 2;
        String c = "c" + (i + 1);
        BatchNormFold f = BatchNormFold.of(w.at(c + ".0"), w.at(c + ".1"), nf, parts * nf);
        weights[i] = new NDArray[parts];
        for (int j = 0; j < parts; j++) {
          weights[i][j] = w.array(f.columns(nf, parts * nf, j * nf, nf), nf, nf);
        }
        biases[i] = w.array(f.bias, nf);
      }
    }

    NDArray run(NDArray c0, List<? extends Unit> units) {
      List<NDArray> stack = new ArrayList<>();
      stack.add(c0);
      NDArray o = c0;
      for (int i = 0; i < 3; i++) {
        stack.add(units.get(i).apply(o));
        NDArray next = step(i, stack);
        if (o != c0) {
          o.close();
        }
        o = next;
      }
      stack.subList(1, stack.size()).forEach(NDArray::close);
      return o;
    }

    /** relu(sum_j W_ij stack_j + b_i) in libtorch. */
    private NDArray step(int i, List<NDArray> stack) {
      try (NDArray sum = Nhwc.pointwise(stack.get(0), weights[i][0], biases[i])) {
        for (int j = 1; j < stack.size(); j++) {
          try (NDArray part = Nhwc.pointwise(stack.get(j), weights[i][j], null)) {
            sum.addi(part);
          }
        }
        return Nhwc.relu(sum);
      }
    }

    static LayerCost cost(int nf) {
      LayerCost c = LayerCost.ZERO;
      for (int parts = 2; parts <= 4; parts++) {
        c = c.plus(LayerCost.conv(1, parts * nf, nf, 1)).plus(LayerCost.foldedBatchNorm(nf));
      }
      return c;
    }

    @Override public void close() {
      for (NDArray[] ws : weights) {
        for (NDArray a : ws) {
          a.close();
        }
      }
      for (NDArray b : biases) {
        b.close();
      }
    }
  }

  /** A CARN-M block: one efficient residual block used three times in a cascade. */
  static final class Block implements Unit, AutoCloseable {
    private final NDArray w0, b0, w2, b2, w4, b4;
    private final int groups;
    private final Cascade cascade;
    private final List<Unit> units;

    Block(Weights w, int nf, int groups) {
      this.groups = groups;
      Weights erb = w.at("b1.body");
      w0 = erb.array("0.weight", nf, nf / groups, 3, 3);
      b0 = erb.array("0.bias", nf);
      w2 = erb.array("2.weight", nf, nf / groups, 3, 3);
      b2 = erb.array("2.bias", nf);
      w4 = erb.array("4.weight", nf, nf, 1, 1).reshape(nf, nf);
      b4 = erb.array("4.bias", nf);
      cascade = new Cascade(w, nf);
      Unit erbUnit = this::residual;
      units = List.of(erbUnit, erbUnit, erbUnit);
    }

    @Override public NDArray apply(NDArray x) {
      return cascade.run(x, units);
    }

    /** relu(conv1x1(relu(gconv(relu(gconv(x))))) + x). */
    private NDArray residual(NDArray x) {
      NDArray h = Nhwc.conv(x, w0, b0, groups);
      h = FsrcnnBackbone.swap(h, Nhwc.relu(h));
      h = FsrcnnBackbone.swap(h, Nhwc.conv(h, w2, b2, groups));
      h = FsrcnnBackbone.swap(h, Nhwc.relu(h));
      h = FsrcnnBackbone.swap(h, Nhwc.pointwise(h, w4, b4));
      h.addi(x);
      return FsrcnnBackbone.swap(h, Nhwc.relu(h));
    }

    static LayerCost cost(int nf, int groups) {
      return LayerCost.conv(3, nf, nf, groups).times(2).plus(LayerCost.conv(1, nf, nf, 1));
    }

    @Override public void close() {
      for (NDArray a : List.of(w0, b0, w2, b2, w4, b4)) {
        a.close();
      }
      cascade.close();
    }
  }
}
