package io.pcsr.job;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;

/**
 * What libtorch reaches on this machine with the current threads: a large fp32 GEMM and a
 * CARN-sized 3x3 convolution on channels-last data. The model's achieved rate is read against
 * these.
 */
record MachineLimits(double gemm, double conv) {
  /** Shape of the reference convolution's activations (the demo image's LR size). */
  static final int CONV_HEIGHT = 276;
  static final int CONV_WIDTH = 420;
  static final int CONV_CHANNELS = 52;

  /** Each rate the higher of the two: the best reading of a shared machine is its limit. */
  MachineLimits best(MachineLimits other) {
    return other == null ? this
        : new MachineLimits(Math.max(gemm, other.gemm), Math.max(conv, other.conv));
  }

  static MachineLimits measure() {
    try (NDManager m = NDManager.newBaseManager()) {
      int n = 1024;
      NDArray a = m.randomUniform(0f, 1f, new Shape(n, n));
      NDArray b = m.randomUniform(0f, 1f, new Shape(n, n));
      double gemm = best(() -> a.matMul(b).close(), 2.0 * n * n * n);
      int h = CONV_HEIGHT;
      int w = CONV_WIDTH;
      int c = CONV_CHANNELS;
      NDArray x = m.randomUniform(0f, 1f, new Shape(1, h, w, c)).transpose(0, 3, 1, 2);
      NDArray k = m.randomUniform(0f, 0.1f, new Shape(c, c, 3, 3));
      NDArray bias = m.zeros(new Shape(c));
      double conv = best(() -> Conv2d.conv2d(x, k, bias, new Shape(1, 1), new Shape(1, 1),
          new Shape(1, 1), 1).close(), 2.0 * 9 * c * c * h * w);
      return new MachineLimits(gemm, conv);
    }
  }

  private static double best(Runnable op, double flops) {
    op.run(); // warm-up
    long best = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      long t0 = System.nanoTime();
      op.run();
      best = Math.min(best, System.nanoTime() - t0);
    }
    return flops / best;
  }
}
