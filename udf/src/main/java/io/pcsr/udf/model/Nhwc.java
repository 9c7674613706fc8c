package io.pcsr.udf.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Convolution building blocks on channels-last (N, H, W, C) tensors.
 *
 * <p>Why channels-last: libtorch's oneDNN convolutions on CPU run several times faster on
 * channels-last memory than on NCHW, where every call reorders its input and output (measured
 * on this project's machine: CARN encoder 7.2 s NCHW vs 2.0 s channels-last). DJL cannot ask for
 * a memory format, but a contiguous NHWC tensor permuted to NCHW <em>is</em> a channels-last
 * tensor to libtorch, so convolutions see it and keep it. 1x1 convolutions on NHWC are plain
 * matrix products over the last axis ({@code linear}), which is also where BatchNorm folds in.
 */
final class Nhwc {
  private Nhwc() {}

  /** k x k convolution with 'same' padding; weight in PyTorch layout (Cout, Cin/groups, k, k). */
  static NDArray conv(NDArray x, NDArray weight, NDArray bias, int groups) {
    return conv(x, weight, bias, groups, weight.getShape().get(2) / 2);
  }

  /** k x k convolution with the given zero padding on each side. */
  static NDArray conv(NDArray x, NDArray weight, NDArray bias, int groups, long pad) {
    try (NDArray nchw = x.transpose(0, 3, 1, 2);
        NDArray y = Conv2d.conv2d(nchw, weight, bias, new Shape(1, 1), new Shape(pad, pad),
            new Shape(1, 1), groups).singletonOrThrow()) {
      // the view keeps the storage alive after both handles close
      return y.transpose(0, 2, 3, 1);
    }
  }

  /**
   * Transposed convolution, computed as a plain convolution over the zero-interleaved input
   * (DJL's PyTorch engine has no deconvolution op). {@code flippedWeight} is the transposed
   * conv's weight rearranged to (Cout, Cin, k, k) and flipped in both spatial axes
   * ({@link #flipTransposedWeight}). Output size: (in - 1) * stride - 2 * padding + k +
   * outputPadding.
   */
  static NDArray convTranspose(NDArray x, NDArray flippedWeight, NDArray bias, int stride,
      int padding, int outputPadding) {
    Shape s = x.getShape();
    long n = s.get(0), h = s.get(1), w = s.get(2), c = s.get(3);
    long k = flippedWeight.getShape().get(2);
    try (NDArray z = x.getManager().zeros(new Shape(n, h, stride, w, stride, c))) {
      z.set(new ai.djl.ndarray.index.NDIndex(":, :, 0, :, 0, :"), x.reshape(n, h, w, c));
      long before = k - 1 - padding;
      // z holds (stride - 1) trailing zeros after the last input pixel already
      long after = before + outputPadding - (stride - 1);
      try (NDArray flat = z.reshape(n, h * stride, w * stride, c);
          NDArray trimmed = after >= 0 ? flat.duplicate()
              : flat.get(new ai.djl.ndarray.index.NDIndex(":, :{}, :{}, :", h * stride + after,
                  w * stride + after));
          NDArray padded = trimmed.pad(new Shape(0, 0, before, Math.max(0, after), before,
              Math.max(0, after)), 0)) {
        return conv(padded.duplicate(), flippedWeight, bias, 1, 0);
      }
    }
  }

  /** (Cin, Cout, k, k) transposed-conv weight -> (Cout, Cin, k, k), spatially flipped. */
  static float[] flipTransposedWeight(float[] w, int cin, int cout, int k) {
    float[] out = new float[w.length];
    for (int i = 0; i < cin; i++) {
      for (int o = 0; o < cout; o++) {
        for (int a = 0; a < k; a++) {
          for (int b = 0; b < k; b++) {
            out[((o * cin + i) * k + a) * k + b] =
                w[((i * cout + o) * k + (k - 1 - a)) * k + (k - 1 - b)];
          }
        }
      }
    }
    return out;
  }

  /** PixelShuffle(r) on NHWC: channel c*r*r + i*r + j moves to sub-pixel (i, j) of channel c. */
  static NDArray pixelShuffle(NDArray x, int r) {
    Shape s = x.getShape();
    long n = s.get(0), h = s.get(1), w = s.get(2), c = s.get(3) / (r * r);
    try (NDArray split = x.reshape(n, h, w, c, r, r);
        NDArray moved = split.transpose(0, 1, 4, 2, 5, 3)) {
      return moved.reshape(n, h * r, w * r, c);
    }
  }

  /** 1x1 convolution: weight (Cout, Cin), bias (Cout) or null. */
  static NDArray pointwise(NDArray x, NDArray weight2d, NDArray bias) {
    return JniUtils.linear((PtNDArray) x, (PtNDArray) weight2d, (PtNDArray) bias);
  }

  static NDArray relu(NDArray x) {
    return Activation.relu(x);
  }

  /**
   * PReLU with one shared slope, max(x,0) + a * min(x,0), which is leaky ReLU with slope a for
   * any a: one kernel instead of four, and no scalar tensors.
   */
  static NDArray prelu(NDArray x, float slope) {
    return leakyRelu(x, slope);
  }

  static NDArray leakyRelu(NDArray x, float slope) {
    return JniUtils.leakyRelu((PtNDArray) x, slope);
  }
}
