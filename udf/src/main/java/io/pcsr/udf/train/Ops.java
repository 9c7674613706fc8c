package io.pcsr.udf.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Differentiable building blocks on channels-last (N, H, W, C) activations, recorded by torch
 * autograd inside a DJL GradientCollector. As in the inference code, a contiguous NHWC tensor
 * viewed as NCHW is a channels-last tensor to libtorch, whose oneDNN kernels run several times
 * faster on it than on plain NCHW, forward and backward.
 *
 * <p>Every operation takes the activation (not a parameter) as its first operand, so that its
 * result lands in the activation's (per-step) manager.
 */
final class Ops {
  private Ops() {}

  /** k x k convolution, 'same' padding, weight in PyTorch layout (Cout, Cin/groups, k, k). */
  static NDArray conv(NDArray x, NDArray weight, NDArray bias, int groups) {
    long k = weight.getShape().get(2);
    long pad = k / 2;
    NDArray nchw = x.transpose(0, 3, 1, 2);
    NDArray y = Conv2d.conv2d(nchw, weight, bias, new Shape(1, 1), new Shape(pad, pad),
        new Shape(1, 1), groups).singletonOrThrow();
    return y.transpose(0, 2, 3, 1);
  }

  /** 1x1 convolution as a matrix product over the channel axis; weight (Cout, Cin, 1, 1). */
  static NDArray pointwise(NDArray x, NDArray weight4d, NDArray bias) {
    Shape s = weight4d.getShape();
    NDArray w = weight4d.reshape(s.get(0), s.get(1));
    return linear(x, w, bias);
  }

  /** x W^T + b over the last axis. */
  static NDArray linear(NDArray x, NDArray weight, NDArray bias) {
    return JniUtils.linear((PtNDArray) x, (PtNDArray) weight, (PtNDArray) bias);
  }

  static NDArray relu(NDArray x) {
    return Activation.relu(x);
  }

  static NDArray leakyRelu(NDArray x, float slope) {
    return JniUtils.leakyRelu((PtNDArray) x, slope);
  }

  /** PReLU with one learnable shared slope {@code a} (shape (1)): max(x,0) + a min(x,0). */
  static NDArray prelu(NDArray x, NDArray slope) {
    return x.maximum(0f).add(x.minimum(0f).mul(slope));
  }

  static NDArray concatChannels(NDArray... parts) {
    return NDArrays.concat(new NDList(parts), 3);
  }

  /** Mean of |a - b| over all elements. */
  static NDArray l1(NDArray a, NDArray b) {
    return a.sub(b).abs().mean();
  }
}
