package io.pcsr.udf.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * A fused 1x1 convolution over channels-last float32 tensors on the JVM's SIMD units:
 * {@code relu(sum_j W_j x_j + b [+ r])}, where the x_j are column blocks of one concatenated
 * input, the first optionally ReLU'd as it is read, and r a residual.
 *
 * <p>Why: CARN-M's 1x1 convolutions have K = N = 52, where libtorch's GEMM runs at a third to a
 * half of its large-matrix rate, and each is followed by separate memory passes over a 24 MB
 * tensor (the bias, the sum of the column blocks, the residual, the ReLU) that eager ops cannot
 * fuse. Here each pixel's outputs sit across four 16-lane vectors (52 padded to 64), four pixels
 * at a time, and everything after the products happens in registers. CARN-PCSR's backbone on a
 * 2K image, one thread, in one process: 797-938 ms against 1077-1091 ms with these ops in
 * libtorch.
 *
 * <p>The tensors are read and written through libtorch's own memory (DJL's direct-buffer views
 * of contiguous CPU tensors), staged through small arrays. Loaded only where the incubating
 * vector module is resolved: this class links against {@code jdk.incubator.vector}.
 */
final class VectorPointwise {
  private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_512;
  /**
   * The one channel count the kernel runs (CARN-PCSR's). A compile-time constant on purpose: with
   * the count in a field the same loops ran 15-20x slower (C2 left the vectors boxed).
   */
  static final int CHANNELS = 52;
  private static final int LANES = 16;
  /** Output vectors per pixel: the padded width is 64 channels. */
  private static final int VECTORS = 4;
  private static final int PADDED = LANES * VECTORS;
  /** Pixels per register block. */
  private static final int BLOCK = 4;
  /** Pixels staged in arrays at a time (a multiple of {@link #BLOCK}; times CHANNELS, of LANES). */
  private static final int GROUP = 16;

  /** Per column block: (in channel, 64 padded out channels), k-major. */
  private final float[][] weights;
  private final float[] bias;

  /**
   * @param blocks column blocks of the 1x1 weight, each (out, in) row-major, channels x channels
   * @param bias channels values
   */
  VectorPointwise(float[][] blocks, float[] bias, int channels) {
    if (!supports(channels)) {
      throw new IllegalArgumentException("VectorPointwise runs " + CHANNELS + " channels, got "
          + channels);
    }
    this.weights = new float[blocks.length][];
    for (int j = 0; j < blocks.length; j++) {
      float[] w = blocks[j];
      if (w.length != channels * channels) {
        throw new IllegalArgumentException("column block " + j + " has " + w.length
            + " values, expected " + channels * channels);
      }
      float[] padded = new float[channels * PADDED];
      for (int o = 0; o < channels; o++) {
        for (int k = 0; k < channels; k++) {
          padded[k * PADDED + o] = w[o * channels + k];
        }
      }
      weights[j] = padded;
    }
    this.bias = java.util.Arrays.copyOf(bias, PADDED);
  }

  /**
   * Whether the kernel runs this channel count here: {@link #CHANNELS} (four 16-lane vectors,
   * the fourth's lanes past the last channel spilling into the next pixel, which is written
   * afterwards), on a JVM whose preferred vectors are 16 floats wide (AVX-512).
   */
  static boolean supports(int channels) {
    return channels == CHANNELS && FloatVector.SPECIES_PREFERRED.length() >= LANES;
  }

  /** Whether {@code x} is a tensor this kernel reads: float32 on the CPU, NHWC. */
  static boolean readable(NDArray x) {
    return !x.getDevice().isGpu() && x.getDataType() == DataType.FLOAT32
        && x.getShape().dimension() == 4;
  }

  /**
   * relu(sum_j W_j inputs[j] + bias [+ residual]) as a new NHWC tensor of the first input's
   * manager.
   *
   * @param reluFirst ReLU the first input as it is read (its tensor is not changed)
   * @param residual added before the ReLU, or null
   */
  NDArray apply(NDArray[] inputs, boolean reluFirst, NDArray residual) {
    if (inputs.length != weights.length) {
      throw new IllegalArgumentException(inputs.length + " inputs for " + weights.length
          + " column blocks");
    }
    NDArray first = inputs[0];
    long c = first.getShape().get(3);
    if (c != CHANNELS) {
      throw new IllegalArgumentException("input has " + c + " channels, expected " + CHANNELS);
    }
    int pixels = Math.toIntExact(first.getShape().size() / CHANNELS);
    FloatBuffer[] in = new FloatBuffer[inputs.length];
    for (int j = 0; j < inputs.length; j++) {
      in[j] = view(inputs[j]);
    }
    FloatBuffer res = residual == null ? null : view(residual);
    NDArray out = first.getManager().create(first.getShape(), DataType.FLOAT32);
    FloatBuffer dst = view(out);
    run(in, reluFirst, res, dst, pixels);
    return out;
  }

  /** libtorch's memory of a contiguous CPU tensor (a copy, kept by its manager, otherwise). */
  private static FloatBuffer view(NDArray x) {
    return ((PtNDArray) x).toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer();
  }

  /**
   * All pixels, staged through small arrays {@link #GROUP} pixels at a time: bulk copies
   * (memcpy) in and out, and the vector code only ever touches Java arrays. Vector loads and
   * stores on the direct buffers themselves inline deep JDK call trees; in a method this size
   * C2 stopped inlining (NodeCountInliningCutoff) and boxed every vector, 2-3x slower.
   */
  private void run(FloatBuffer[] in, boolean reluFirst, FloatBuffer res, FloatBuffer out,
      int pixels) {
    int c = CHANNELS;
    float[][] x = new float[in.length][GROUP * c];
    // the last pixel's fourth vector reads and writes LANES - c % LANES floats past the group
    float[] r = new float[GROUP * c + LANES];
    float[] o = new float[GROUP * c + LANES];
    for (int g = 0; g < pixels; g += GROUP) {
      int n = Math.min(GROUP, pixels - g);
      for (int j = 0; j < in.length; j++) {
        in[j].get(g * c, x[j], 0, n * c);
        java.util.Arrays.fill(x[j], n * c, GROUP * c, 0f); // a short last group
      }
      if (reluFirst) {
        reluInPlace(x[0]);
      }
      if (res != null) {
        res.get(g * c, r, 0, n * c); // without a residual r stays zero
      }
      for (int b = 0; b < n; b += BLOCK) {
        block(x, r, o, b * c);
      }
      out.put(g * c, o, 0, n * c);
    }
  }

  /**
   * The ReLU on read, once per staged value. (Inside the product loop it cost twice the
   * kernel's time: a scalar Math.max compiled to branches that the signs of real activations
   * mispredict, and a vector max per broadcast is a multi-instruction sequence for Java's
   * NaN and -0.0 rules, competing with the FMAs for the same ports.)
   */
  private static void reluInPlace(float[] v) {
    FloatVector zero = FloatVector.zero(SPECIES);
    for (int i = 0; i < v.length; i += LANES) { // GROUP * CHANNELS is a multiple of LANES
      FloatVector.fromArray(SPECIES, v, i).max(zero).intoArray(v, i);
    }
  }

  /**
   * Four pixels from {@code offset} of the staged arrays: o = relu(sum_j W_j x_j + bias + r).
   * Pixel i's fourth vector spills into pixel i+1, whose own stores come after it.
   */
  private void block(float[][] x, float[] r, float[] o, int offset) {
    final int c = CHANNELS;
    FloatVector a00 = FloatVector.fromArray(SPECIES, bias, 0);
    FloatVector a01 = FloatVector.fromArray(SPECIES, bias, LANES);
    FloatVector a02 = FloatVector.fromArray(SPECIES, bias, 2 * LANES);
    FloatVector a03 = FloatVector.fromArray(SPECIES, bias, 3 * LANES);
    // 16 accumulators: 4 pixels x 4 vectors, named rather than in an array (C2 keeps named
    // vectors in registers; arrays of vectors were 5-10x slower in VectorMlp)
    FloatVector a10 = a00, a11 = a01, a12 = a02, a13 = a03;
    FloatVector a20 = a00, a21 = a01, a22 = a02, a23 = a03;
    FloatVector a30 = a00, a31 = a01, a32 = a02, a33 = a03;
    for (int j = 0; j < x.length; j++) {
      float[] xj = x[j];
      float[] w = weights[j];
      for (int k = 0; k < c; k++) {
        int wk = k * PADDED;
        FloatVector w0 = FloatVector.fromArray(SPECIES, w, wk);
        FloatVector w1 = FloatVector.fromArray(SPECIES, w, wk + LANES);
        FloatVector w2 = FloatVector.fromArray(SPECIES, w, wk + 2 * LANES);
        FloatVector w3 = FloatVector.fromArray(SPECIES, w, wk + 3 * LANES);
        int xk = offset + k;
        FloatVector v = FloatVector.broadcast(SPECIES, xj[xk]);
        a00 = w0.fma(v, a00);
        a01 = w1.fma(v, a01);
        a02 = w2.fma(v, a02);
        a03 = w3.fma(v, a03);
        v = FloatVector.broadcast(SPECIES, xj[xk + c]);
        a10 = w0.fma(v, a10);
        a11 = w1.fma(v, a11);
        a12 = w2.fma(v, a12);
        a13 = w3.fma(v, a13);
        v = FloatVector.broadcast(SPECIES, xj[xk + 2 * c]);
        a20 = w0.fma(v, a20);
        a21 = w1.fma(v, a21);
        a22 = w2.fma(v, a22);
        a23 = w3.fma(v, a23);
        v = FloatVector.broadcast(SPECIES, xj[xk + 3 * c]);
        a30 = w0.fma(v, a30);
        a31 = w1.fma(v, a31);
        a32 = w2.fma(v, a32);
        a33 = w3.fma(v, a33);
      }
    }
    // stores inlined, pixel by pixel in order (a helper taking vectors made C2 box them)
    FloatVector zero = FloatVector.zero(SPECIES);
    int q = offset;
    a00.add(FloatVector.fromArray(SPECIES, r, q)).max(zero).intoArray(o, q);
    a01.add(FloatVector.fromArray(SPECIES, r, q + LANES)).max(zero).intoArray(o, q + LANES);
    a02.add(FloatVector.fromArray(SPECIES, r, q + 2 * LANES)).max(zero).intoArray(o, q + 2 * LANES);
    a03.add(FloatVector.fromArray(SPECIES, r, q + 3 * LANES)).max(zero).intoArray(o, q + 3 * LANES);
    q += c;
    a10.add(FloatVector.fromArray(SPECIES, r, q)).max(zero).intoArray(o, q);
    a11.add(FloatVector.fromArray(SPECIES, r, q + LANES)).max(zero).intoArray(o, q + LANES);
    a12.add(FloatVector.fromArray(SPECIES, r, q + 2 * LANES)).max(zero).intoArray(o, q + 2 * LANES);
    a13.add(FloatVector.fromArray(SPECIES, r, q + 3 * LANES)).max(zero).intoArray(o, q + 3 * LANES);
    q += c;
    a20.add(FloatVector.fromArray(SPECIES, r, q)).max(zero).intoArray(o, q);
    a21.add(FloatVector.fromArray(SPECIES, r, q + LANES)).max(zero).intoArray(o, q + LANES);
    a22.add(FloatVector.fromArray(SPECIES, r, q + 2 * LANES)).max(zero).intoArray(o, q + 2 * LANES);
    a23.add(FloatVector.fromArray(SPECIES, r, q + 3 * LANES)).max(zero).intoArray(o, q + 3 * LANES);
    q += c;
    a30.add(FloatVector.fromArray(SPECIES, r, q)).max(zero).intoArray(o, q);
    a31.add(FloatVector.fromArray(SPECIES, r, q + LANES)).max(zero).intoArray(o, q + LANES);
    a32.add(FloatVector.fromArray(SPECIES, r, q + 2 * LANES)).max(zero).intoArray(o, q + 2 * LANES);
    a33.add(FloatVector.fromArray(SPECIES, r, q + 3 * LANES)).max(zero).intoArray(o, q + 3 * LANES);
  }
}
