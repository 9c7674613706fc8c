package io.pcsr.udf.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import io.pcsr.udf.concurrent.HostLoops;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * A fused 1x1 convolution over channels-last float32 tensors on the JVM's SIMD units:
 * {@code relu(sum_j W_j x_j + b [+ r])}, where the x_j are column blocks of one concatenated
 * input (the first optionally ReLU'd beforehand, in place) and r a residual.
 *
 * <p>Why: CARN-M's 1x1 convolutions have K = N = 52, where libtorch's GEMM runs at a third to a
 * half of its large-matrix rate, and each is followed by separate memory passes over a 24 MB
 * tensor (the bias, the sum of the column blocks, the residual, the ReLU) that eager ops cannot
 * fuse. Here each pixel's outputs sit across four 16-lane vectors (52 padded to 64), four pixels
 * at a time, and everything after the products happens in registers. CARN-PCSR's backbone on a
 * 2K image, one thread, in one process: 704-768 ms against 1007-1196 ms with these ops in
 * libtorch.
 *
 * <p>The tensors are read and written in place, through libtorch's own memory (DJL's
 * direct-buffer views of contiguous CPU tensors): no copies. Loaded only where the incubating
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
  private static final int PIXEL_BYTES = CHANNELS * Float.BYTES;
  private static final ByteOrder ORDER = ByteOrder.nativeOrder();
  /** Pixels per parallel piece (a multiple of {@link #BLOCK}). */
  private static final int PIECE = 4096;
  /** Column blocks the kernel takes at most: CARN's widest cascade step has four. */
  private static final int MAX_INPUTS = 4;
  /** Per thread: {@link #MAX_INPUTS} inputs, a residual and an output, for the last pixels. */
  private static final ThreadLocal<ByteBuffer[]> SCRATCH = ThreadLocal.withInitial(() -> {
    ByteBuffer[] b = new ByteBuffer[MAX_INPUTS + 2];
    for (int i = 0; i < b.length; i++) {
      b[i] = ByteBuffer.allocateDirect(BLOCK * PIXEL_BYTES + LANES * Float.BYTES).order(ORDER);
    }
    return b;
  });

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
    if (blocks.length > MAX_INPUTS) {
      throw new IllegalArgumentException("at most " + MAX_INPUTS + " column blocks, got "
          + blocks.length);
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
   * @param reluFirst ReLU the first input before the products, in place: pass only a tensor
   *     nobody reads afterwards
   * @param residual added before the ReLU, or null
   * @param parallel split the pixels over the common pool (the result is the same: each
   *     pixel's sums run in the same order either way)
   */
  NDArray apply(NDArray[] inputs, boolean reluFirst, NDArray residual, boolean parallel) {
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
    ByteBuffer[] in = new ByteBuffer[inputs.length];
    for (int j = 0; j < inputs.length; j++) {
      in[j] = view(inputs[j]);
    }
    ByteBuffer res = residual == null ? null : view(residual);
    NDArray out = first.getManager().create(first.getShape(), DataType.FLOAT32);
    ByteBuffer dst = view(out);
    int pieces = parallel ? (pixels + PIECE - 1) / PIECE : 1;
    int size = parallel ? PIECE : pixels;
    HostLoops.forEach(pieces, parallel, i -> run(in, reluFirst, res, dst, i * size,
        Math.min(pixels, (i + 1) * size)));
    return out;
  }

  /**
   * Pixels [p0, p1): register blocks straight over libtorch's memory, but for the last pixels.
   * A block's fourth vectors spill into the pixel after it, which the last pixel of the tensor
   * does not have and which, inside a tensor, another piece may already have written.
   */
  private void run(ByteBuffer[] in, boolean reluFirst, ByteBuffer res, ByteBuffer out, int p0,
      int p1) {
    if (p1 <= p0) {
      return;
    }
    if (reluFirst) {
      reluInPlace(in[0], p0 * CHANNELS, p1 * CHANNELS);
    }
    int direct = p0 + (p1 - p0 - 1) / BLOCK * BLOCK;
    for (int p = p0; p < direct; p += BLOCK) {
      block(in, res, out, p * PIXEL_BYTES);
    }
    lastPixels(in, res, out, direct, p1 - direct);
  }

  /** libtorch's memory of a contiguous CPU tensor (a copy, kept by its manager, otherwise). */
  private static ByteBuffer view(NDArray x) {
    return ((PtNDArray) x).toByteBuffer(true).order(ORDER);
  }

  /**
   * 1-{@link #BLOCK} pixels from {@code p0} through this thread's small direct buffers, which
   * have room for the spill: copied in, one block, copied out. What the buffers hold past
   * {@code n} pixels only reaches outputs that are not copied out.
   */
  private void lastPixels(ByteBuffer[] in, ByteBuffer res, ByteBuffer out, int p0, int n) {
    int bytes = n * PIXEL_BYTES;
    ByteBuffer[] scratch = SCRATCH.get();
    ByteBuffer[] x = new ByteBuffer[in.length];
    for (int j = 0; j < in.length; j++) {
      x[j] = scratch[j].put(0, in[j], p0 * PIXEL_BYTES, bytes);
    }
    ByteBuffer r = res == null ? null : scratch[MAX_INPUTS].put(0, res, p0 * PIXEL_BYTES, bytes);
    ByteBuffer o = scratch[MAX_INPUTS + 1];
    block(x, r, o, 0);
    out.put(p0 * PIXEL_BYTES, o, 0, bytes);
  }

  /**
   * The first input's ReLU, once per value before the products, in place. (Inside the product
   * loop it cost twice the kernel's time: a scalar Math.max compiled to branches that the signs of
   * real activations mispredict, and a vector max per broadcast is a multi-instruction
   * sequence for Java's NaN and -0.0 rules, competing with the FMAs for the same ports.)
   */
  private static void reluInPlace(ByteBuffer b, int from, int to) {
    FloatVector zero = FloatVector.zero(SPECIES);
    int i = from;
    for (; i + LANES <= to; i += LANES) {
      int at = i * Float.BYTES;
      FloatVector.fromByteBuffer(SPECIES, b, at, ORDER).max(zero).intoByteBuffer(b, at, ORDER);
    }
    for (; i < to; i++) {
      int at = i * Float.BYTES;
      b.putFloat(at, Math.max(b.getFloat(at), 0f));
    }
  }

  /**
   * Four pixels from byte {@code at}: out = relu(sum_j W_j x_j + bias [+ r]).
   *
   * <p>The inputs are read where they are, a scalar at a time between the FMAs, so that the
   * core overlaps the memory traffic with the arithmetic: a first version staged them through
   * Java arrays by bulk copies, and at 24 MB per tensor ran at 52-55 GFLOP/s against 82-89 for
   * this form (78-82 for both in cache).
   */
  private void block(ByteBuffer[] x, ByteBuffer r, ByteBuffer out, int at) {
    final int c = CHANNELS;
    final int pb = PIXEL_BYTES;
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
      ByteBuffer xj = x[j];
      float[] w = weights[j];
      for (int k = 0; k < c; k++) {
        int wk = k * PADDED;
        FloatVector w0 = FloatVector.fromArray(SPECIES, w, wk);
        FloatVector w1 = FloatVector.fromArray(SPECIES, w, wk + LANES);
        FloatVector w2 = FloatVector.fromArray(SPECIES, w, wk + 2 * LANES);
        FloatVector w3 = FloatVector.fromArray(SPECIES, w, wk + 3 * LANES);
        int xk = at + k * Float.BYTES;
        FloatVector v = FloatVector.broadcast(SPECIES, xj.getFloat(xk));
        a00 = w0.fma(v, a00);
        a01 = w1.fma(v, a01);
        a02 = w2.fma(v, a02);
        a03 = w3.fma(v, a03);
        v = FloatVector.broadcast(SPECIES, xj.getFloat(xk + pb));
        a10 = w0.fma(v, a10);
        a11 = w1.fma(v, a11);
        a12 = w2.fma(v, a12);
        a13 = w3.fma(v, a13);
        v = FloatVector.broadcast(SPECIES, xj.getFloat(xk + 2 * pb));
        a20 = w0.fma(v, a20);
        a21 = w1.fma(v, a21);
        a22 = w2.fma(v, a22);
        a23 = w3.fma(v, a23);
        v = FloatVector.broadcast(SPECIES, xj.getFloat(xk + 3 * pb));
        a30 = w0.fma(v, a30);
        a31 = w1.fma(v, a31);
        a32 = w2.fma(v, a32);
        a33 = w3.fma(v, a33);
      }
    }
    if (r != null) {
      a00 = a00.add(FloatVector.fromByteBuffer(SPECIES, r, at, ORDER));
      a01 = a01.add(FloatVector.fromByteBuffer(SPECIES, r, at + 64, ORDER));
      a02 = a02.add(FloatVector.fromByteBuffer(SPECIES, r, at + 128, ORDER));
      a03 = a03.add(FloatVector.fromByteBuffer(SPECIES, r, at + 192, ORDER));
      a10 = a10.add(FloatVector.fromByteBuffer(SPECIES, r, at + pb, ORDER));
      a11 = a11.add(FloatVector.fromByteBuffer(SPECIES, r, at + pb + 64, ORDER));
      a12 = a12.add(FloatVector.fromByteBuffer(SPECIES, r, at + pb + 128, ORDER));
      a13 = a13.add(FloatVector.fromByteBuffer(SPECIES, r, at + pb + 192, ORDER));
      a20 = a20.add(FloatVector.fromByteBuffer(SPECIES, r, at + 2 * pb, ORDER));
      a21 = a21.add(FloatVector.fromByteBuffer(SPECIES, r, at + 2 * pb + 64, ORDER));
      a22 = a22.add(FloatVector.fromByteBuffer(SPECIES, r, at + 2 * pb + 128, ORDER));
      a23 = a23.add(FloatVector.fromByteBuffer(SPECIES, r, at + 2 * pb + 192, ORDER));
      a30 = a30.add(FloatVector.fromByteBuffer(SPECIES, r, at + 3 * pb, ORDER));
      a31 = a31.add(FloatVector.fromByteBuffer(SPECIES, r, at + 3 * pb + 64, ORDER));
      a32 = a32.add(FloatVector.fromByteBuffer(SPECIES, r, at + 3 * pb + 128, ORDER));
      a33 = a33.add(FloatVector.fromByteBuffer(SPECIES, r, at + 3 * pb + 192, ORDER));
    }
    // stores inlined, pixel by pixel in order: each pixel's fourth vector spills into the next
    // pixel, whose own stores come after it (a helper taking vectors made C2 box them)
    FloatVector zero = FloatVector.zero(SPECIES);
    a00.max(zero).intoByteBuffer(out, at, ORDER);
    a01.max(zero).intoByteBuffer(out, at + 64, ORDER);
    a02.max(zero).intoByteBuffer(out, at + 128, ORDER);
    a03.max(zero).intoByteBuffer(out, at + 192, ORDER);
    a10.max(zero).intoByteBuffer(out, at + pb, ORDER);
    a11.max(zero).intoByteBuffer(out, at + pb + 64, ORDER);
    a12.max(zero).intoByteBuffer(out, at + pb + 128, ORDER);
    a13.max(zero).intoByteBuffer(out, at + pb + 192, ORDER);
    a20.max(zero).intoByteBuffer(out, at + 2 * pb, ORDER);
    a21.max(zero).intoByteBuffer(out, at + 2 * pb + 64, ORDER);
    a22.max(zero).intoByteBuffer(out, at + 2 * pb + 128, ORDER);
    a23.max(zero).intoByteBuffer(out, at + 2 * pb + 192, ORDER);
    a30.max(zero).intoByteBuffer(out, at + 3 * pb, ORDER);
    a31.max(zero).intoByteBuffer(out, at + 3 * pb + 64, ORDER);
    a32.max(zero).intoByteBuffer(out, at + 3 * pb + 128, ORDER);
    a33.max(zero).intoByteBuffer(out, at + 3 * pb + 192, ORDER);
  }
}
