package io.pcsr.job;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import io.pcsr.udf.infer.DeviceWait;
import java.util.function.Supplier;

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
      // A GPU queues each op and returns: time several, then wait for the last (one element
      // read back). 1024^3 is 40 microseconds there, so the GEMM grows to keep the wait small.
      boolean gpu = m.getDevice().isGpu();
      int reps = gpu ? 20 : 1;
      int n = gpu ? 4096 : 1024;
      NDArray a = m.randomUniform(0f, 1f, new Shape(n, n));
      NDArray b = m.randomUniform(0f, 1f, new Shape(n, n));
      double gemm = best(() -> a.matMul(b), reps, 2.0 * n * n * n);
      int h = CONV_HEIGHT;
      int w = CONV_WIDTH;
      int c = CONV_CHANNELS;
      NDArray x = m.randomUniform(0f, 1f, new Shape(1, h, w, c)).transpose(0, 3, 1, 2);
      NDArray k = m.randomUniform(0f, 0.1f, new Shape(c, c, 3, 3));
      NDArray bias = m.zeros(new Shape(c));
      double conv = best(() -> Conv2d.conv2d(x, k, bias, new Shape(1, 1), new Shape(1, 1),
          new Shape(1, 1), 1).singletonOrThrow(), reps, 2.0 * 9 * c * c * h * w);
      return new MachineLimits(gemm, conv);
    }
  }

  /** Best of 5 timings of {@code reps} runs each, the last waited for; FLOP/s of one run. */
  private static double best(Supplier<NDArray> op, int reps, double flops) {
    finish(op.get()); // warm-up
    long best = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      long t0 = System.nanoTime();
      for (int r = 1; r < reps; r++) {
        op.get().close();
      }
      finish(op.get());
      best = Math.min(best, System.nanoTime() - t0);
    }
    return flops * reps / best;
  }

  /** Waits for the result on a GPU ({@link DeviceWait}), then frees it. */
  private static void finish(NDArray result) {
    try (result) {
      DeviceWait.until(result);
    }
  }
}
