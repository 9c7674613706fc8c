package io.pcsr.udf.model;

import io.pcsr.udf.concurrent.HostLoops;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * A convolution of CARN-M's backbone (3x3 or 1x1, dense or grouped, over one input or the
 * concatenation of several) on the JVM's SIMD units, over {@link ChannelRows}: bias, an
 * optional residual and an optional ReLU in the same pass.
 *
 * <p>Why lanes along a row: each weight is broadcast once for two vectors of 16 pixels, and each
 * loaded input vector feeds 13 output channels. In channels-last memory the lanes run over the
 * output channels instead, and a grouped convolution has only 13 outputs per input channel: one
 * broadcast per multiply-add. On this project's AMD EPYC that ran the grouped 3x3 convolution
 * at 23-29 GFLOP/s against oneDNN's 47-51 (probe, one thread); this kernel runs it at 76 inside
 * CARN-PCSR's backbone (18.5 ms a call at 2K).
 *
 * <p>The outputs come in blocks of 13 channels. Block g sums over its own list of terms, one per
 * (tap, input channel): every input channel for a dense convolution, the 13 of its group for a
 * grouped one.
 */
final class PlanarConv {
  /**
   * 16 or 8: the kernels' vector width in floats instead of the JVM's preferred one. For tests:
   * 16 on an AVX2 machine runs AVX-512's register blocks on emulated 512-bit vectors (the same
   * sums, about 6x slower), so that both layouts are tested on either kind of machine.
   */
  static final String LANES_PROPERTY = "pcsr.planar.lanes";
  /**
   * 16 floats where the JVM has 512-bit vectors (AVX-512), else 8 (AVX2). A vector runs along a
   * row either way; only the register block changes (see {@link #PAIRS}).
   */
  private static final VectorSpecies<Float> SPECIES =
      Integer.getInteger(LANES_PROPERTY, FloatVector.SPECIES_PREFERRED.length()) >= 16
          ? FloatVector.SPECIES_512 : FloatVector.SPECIES_256;
  private static final int LANES = SPECIES.length();
  /**
   * Block g's 13 outputs in one pass ({@link #pair}: 26 accumulators) where there are 32 vector
   * registers (AVX-512); in three ({@link #narrowPairs}) where there are 16 (AVX2), which 26
   * would spill to the stack on every multiply-add.
   */
  private static final boolean PAIRS = LANES == 16;
  /** Floats per cache line: the stride of {@link #touch}. */
  private static final int LINE = 16;
  /** Output channels per block: a compile-time constant, like the register block below. */
  static final int BLOCK = 13;
  /** Outputs per pass of {@link #pointwiseStep}. */
  private static final int SIX = 6;
  /**
   * Channel stride of the strips of one step's pixels: {@link #rowThen}'s hand-off and
   * {@link #copyStrip}'s copy, both read by {@link #pointwiseStep}.
   */
  private static final int STRIP_RUN = 2 * LANES;
  /** Rows per parallel piece. */
  private static final int PIECE_ROWS = 4;

  private final int outChannels;
  private final int blocks;
  /** Kernel size: 1 or 3 (zero padding k / 2). */
  private final int kernel;
  /** Input channels per output block. */
  private final int feeds;
  /** Terms per block: taps x feeds, then the bias as a product with ones (residual starts). */
  private final int termsPerBlock;
  /** [block][feed]: which input, and which of its channels. */
  private final int[][] feedInput;
  private final int[][] feedChannel;
  /** (block, term, 13 outputs); a block's last term is its bias. */
  private final float[] weights;
  /** Each bias over the lanes: where the accumulators start without a residual. */
  private final float[] biasLanes;
  /** 0 for a ReLU after the sum, minus infinity for none. */
  private final float floor;
  /**
   * A dense 1x1 convolution's weights for {@link #pointwiseStep} (8 lanes), null otherwise: one
   * array per group of {@link #SIX} outputs (the last group the rest), input channel by input
   * channel, the group's outputs.
   */
  private final float[][] sixWeights;
  /** Zeros over the lanes: what {@link #pointwiseStep} adds after the products, no residual. */
  private final float[] zeroLanes;

  /**
   * @param weight PyTorch layout (out, in / groups, k, k) over the concatenation of the inputs
   * @param inputChannels channels of each input, in concatenation order
   * @param groups 1, or the convolution's groups (each group's outputs a whole number of blocks)
   */
  PlanarConv(float[] weight, float[] bias, int outChannels, int[] inputChannels, int groups,
      int kernel, boolean reluAfter) {
    int totalIn = Arrays.stream(inputChannels).sum();
    if (outChannels % groups != 0 || totalIn % groups != 0
        || (outChannels / groups) % BLOCK != 0 || (kernel != 1 && kernel != 3)) {
      throw new IllegalArgumentException("PlanarConv runs blocks of " + BLOCK + " outputs, "
          + "kernels 1 or 3; got " + outChannels + " outputs, " + totalIn + " inputs, " + groups
          + " groups, kernel " + kernel);
    }
    int perGroupIn = totalIn / groups;
    int taps = kernel * kernel;
    if (weight.length != outChannels * perGroupIn * taps || bias.length != outChannels) {
      throw new IllegalArgumentException("weight has " + weight.length + " values, bias "
          + bias.length + "; expected " + outChannels * perGroupIn * taps + " and " + outChannels);
    }
    this.outChannels = outChannels;
    this.blocks = outChannels / BLOCK;
    this.kernel = kernel;
    this.feeds = perGroupIn;
    this.termsPerBlock = taps * perGroupIn + 1;
    this.feedInput = new int[blocks][perGroupIn];
    this.feedChannel = new int[blocks][perGroupIn];
    this.weights = new float[blocks * termsPerBlock * BLOCK];
    int blocksPerGroup = blocks / groups;
    for (int g = 0; g < blocks; g++) {
      int first = g / blocksPerGroup * perGroupIn;
      for (int f = 0; f < perGroupIn; f++) {
        int c = first + f;
        int input = 0;
        while (c >= inputChannels[input]) {
          c -= inputChannels[input++];
        }
        feedInput[g][f] = input;
        feedChannel[g][f] = c;
        for (int t = 0; t < taps; t++) {
          for (int o = 0; o < BLOCK; o++) {
            weights[(g * termsPerBlock + t * perGroupIn + f) * BLOCK + o] =
                weight[((g * BLOCK + o) * perGroupIn + f) * taps + t];
          }
        }
      }
      System.arraycopy(bias, g * BLOCK, weights, (g * termsPerBlock + taps * perGroupIn) * BLOCK,
          BLOCK);
    }
    this.biasLanes = new float[outChannels * LANES];
    for (int o = 0; o < outChannels; o++) {
      Arrays.fill(biasLanes, o * LANES, (o + 1) * LANES, bias[o]);
    }
    this.floor = reluAfter ? 0f : Float.NEGATIVE_INFINITY;
    boolean pointwise = !PAIRS && kernel == 1 && groups == 1
        && (outChannels % SIX == 0 || outChannels % SIX == 4);
    this.zeroLanes = pointwise ? new float[outChannels * LANES] : null;
    this.sixWeights = pointwise ? new float[(outChannels + SIX - 1) / SIX][] : null;
    if (pointwise) {
      for (int first = 0; first < outChannels; first += SIX) {
        int width = Math.min(SIX, outChannels - first);
        float[] group = new float[totalIn * width];
        for (int c = 0; c < totalIn; c++) {
          for (int o = 0; o < width; o++) {
            group[c * width + o] = weight[(first + o) * totalIn + c];
          }
        }
        sixWeights[first / SIX] = group;
      }
    }
  }

  /** Written so that the JIT keeps {@link #touch}'s reads. */
  private static volatile float sink;

  /**
   * Reads one float per cache line of [from, from + length), in order: brings a row that is
   * about to be read (or written) into the cache as one sequential stream, which the hardware
   * prefetcher follows. The kernel itself reads 13-208 rows a run apart at once, too many
   * streams for the prefetcher, and waited on memory for each pair of vectors.
   */
  private static float touch(float[] a, int from, int length) {
    float s = 0;
    for (int i = from; i < from + length; i += LINE) {
      s += a[i];
    }
    return s;
  }

  /** Whether this JVM runs the kernel: 16-float (AVX-512) or 8-float (AVX2) vectors. */
  static boolean supported() {
    return FloatVector.SPECIES_PREFERRED.length() >= 8;
  }

  /**
   * The convolution of the concatenated inputs (same images and size), plus {@code residual}
   * (as many channels as the output) when not null, as rows from {@code pool}.
   *
   * @param parallel split the rows over the common pool (each output is summed in the same
   *     order either way)
   */
  ChannelRows apply(ChannelRows[] inputs, ChannelRows residual, RowsPool pool,
      boolean parallel) {
    ChannelRows first = inputs[0];
    int h = first.height();
    ChannelRows out = pool.take(first.images(), outChannels, h, first.width());
    int rows = first.images() * h;
    int pieces = parallel ? (rows + PIECE_ROWS - 1) / PIECE_ROWS : 1;
    int size = parallel ? PIECE_ROWS : rows;
    HostLoops.forEach(pieces, parallel, p -> {
      Scratch scratch = scratch(first.width());
      for (int r = p * size; r < Math.min(rows, (p + 1) * size); r++) {
        row(inputs, residual, out, r / h, r % h, scratch);
      }
    });
    return out;
  }

  /** Per-thread arrays for {@link #row}, for rows of this width. */
  Scratch scratch(int width) {
    return new Scratch(this, ChannelRows.runLength(width),
        sixWeights == null ? null : new float[feeds * STRIP_RUN]);
  }

  /**
   * Per-thread arrays for this (1x1) convolution as {@link #rowThen}'s next: its terms read a
   * strip of {@code 2 * LANES} pixels per channel, the same strip at every step.
   */
  Scratch stripScratch() {
    Scratch scratch = new Scratch(this, STRIP_RUN, new float[feeds * STRIP_RUN]);
    for (int g = 0; g < blocks; g++) {
      for (int f = 0; f < termsPerBlock - 1; f++) {
        scratch.src[g][f] = scratch.strip;
        scratch.offsets[g][f] = scratch.termShift[g][f];
      }
    }
    return scratch;
  }

  /**
   * Per block and term: the input it reads, which of the kernel's rows, and its offset in that
   * row (channel and column shift); then each row's arrays and offsets, and the ones that
   * multiply the bias. Working the offsets out from the inputs' layout for every term of every
   * row took 3-5 % of the backbone.
   */
  static final class Scratch {
    final float[][][] src;
    final int[][] offsets;
    final int[][] termInput;
    final int[][] termRow;
    final int[][] termShift;
    /**
     * With 8 lanes, per block, where each run of terms that read the same array ends,
     * ascending: a change of input, and the bias term (the ones) as a run of its own; the last
     * is all the terms. Null with 16 lanes ({@link #pair} looks each term's array up).
     */
    final int[][] segmentEnds;
    /** Input of a convolution run as {@link #rowThen}'s next: (channel, pixel of the step). */
    final float[] strip;

    Scratch(PlanarConv conv, int run) {
      this(conv, run, null);
    }

    Scratch(PlanarConv conv, int run, float[] strip) {
      this.strip = strip;
      int blocks = conv.blocks;
      int all = conv.termsPerBlock;
      int k = conv.kernel;
      src = new float[blocks][all][];
      offsets = new int[blocks][all];
      termInput = new int[blocks][all - 1];
      termRow = new int[blocks][all - 1];
      termShift = new int[blocks][all - 1];
      segmentEnds = PAIRS ? null : new int[blocks][];
      float[] ones = new float[run + 2 * LANES];
      Arrays.fill(ones, 1f);
      for (int g = 0; g < blocks; g++) {
        src[g][all - 1] = ones;
        for (int t = 0; t < k * k; t++) {
          for (int f = 0; f < conv.feeds; f++) {
            int term = t * conv.feeds + f;
            termInput[g][term] = conv.feedInput[g][f];
            termRow[g][term] = t / k;
            termShift[g][term] = conv.feedChannel[g][f] * run + t % k - k / 2;
          }
        }
        if (PAIRS) {
          continue;
        }
        int[] ends = new int[all];
        int n = 0;
        for (int term = 1; term < all - 1; term++) {
          if (termInput[g][term] != termInput[g][term - 1]) {
            ends[n++] = term;
          }
        }
        ends[n++] = all - 1;
        ends[n++] = all;
        segmentEnds[g] = Arrays.copyOf(ends, n);
      }
    }
  }

  /**
   * Output row y of image {@code image} into {@code out}: what {@link #apply} computes for that
   * row. The rows it reads (y - k / 2 to y + k / 2 of the inputs, y of the residual) must be
   * complete, so a caller can interleave the rows of several convolutions and read each input
   * row while it is still in the cache.
   */
  void row(ChannelRows[] inputs, ChannelRows residual, ChannelRows out, int image, int y,
      Scratch scratch) {
    int w = out.width();
    int run = out.runLength();
    float[] dst = out.data();
    // a residual start takes the bias as one more term, a product with ones
    int terms = termsPerBlock - (residual == null ? 1 : 0);
    if (sixWeights == null) {
      termsOf(inputs, image, y, scratch);
    }
    int rowAt = out.at(image, 0, y);
    readAhead(inputs, residual, out, image, y);
    if (sixWeights != null) {
      for (int x = 0; x < w; x += 2 * LANES) {
        copyStrip(inputs, image, y, x, scratch.strip);
        pointwiseStep(scratch.strip, dst, rowAt + x, run, residual);
      }
      zeroPastWidth(dst, rowAt, w, run);
      return;
    }
    // all blocks at one stretch of the row before the next: a dense convolution's blocks
    // read the same inputs there, from L1
    for (int x = 0; x < w; x += 2 * LANES) {
      for (int g = 0; g < blocks; g++) {
        block(scratch, terms, g, x, w - x, dst, rowAt + g * BLOCK * run + x, run, residual);
      }
    }
    zeroPastWidth(dst, rowAt, w, run);
  }

  /**
   * Pixels [x, x + 2 * LANES) of row y of every input, channel after channel in concatenation
   * order, into {@code strip} ({@link #STRIP_RUN} floats per channel): the layout that
   * {@link #pointwiseStep} reads.
   */
  private static void copyStrip(ChannelRows[] inputs, int image, int y, int x, float[] strip) {
    int to = 0;
    for (ChannelRows in : inputs) {
      float[] src = in.data();
      int stride = in.runLength();
      for (int c = 0, from = in.at(image, 0, y) + x; c < in.channels(); c++, from += stride) {
        FloatVector.fromArray(SPECIES, src, from).intoArray(strip, to);
        FloatVector.fromArray(SPECIES, src, from + LANES).intoArray(strip, to + LANES);
        to += STRIP_RUN;
      }
    }
  }

  /**
   * A dense 1x1 convolution's every output at {@code 2 * LANES} pixels (8 lanes): its input
   * channels from {@code strip} ({@link #copyStrip}'s layout), into {@code dst} from
   * {@code dstAt}, channels {@code run} apart; from the bias, or from {@code residual} at the
   * output's index with the bias added after the products (the same sum as the ones term of
   * {@link #narrowPairs}).
   *
   * <p>Six outputs per pass, twelve accumulators, over all the input channels. The input is a
   * strip with a compile-time channel stride, not the rows themselves, and each pass's weights
   * are an array of their own ({@link #sixWeights}): the loop's indices are then the channel
   * times a constant, and the JIT checks no bounds inside it. With the rows' stride (a field of
   * the input) and an offset into one weight array, it checked the bounds of both input loads
   * and both ends of the weights and multiplied the index at every channel: the loop alone
   * (one thread, AMD EPYC Zen 3, data in L1) ran at 59 GFLOP/s against 81. Copying the strip
   * costs two loads and two stores per channel against 52 multiply-adds.
   */
  private void pointwiseStep(float[] strip, float[] dst, int dstAt, int run,
      ChannelRows residual) {
    float[] init = residual == null ? biasLanes : residual.data();
    float[] after = residual != null ? biasLanes : zeroLanes;
    for (int first = 0; first < outChannels; first += SIX) {
      int width = Math.min(SIX, outChannels - first);
      int groupAt = dstAt + first * run;
      int initAt = residual != null ? groupAt : first * LANES;
      int initChannelStep = residual != null ? run : LANES;
      int initVectorStep = residual != null ? LANES : 0;
      float[] wt = sixWeights[first / SIX];
      if (width == SIX) {
        sixPointwise(strip, feeds, wt, dst, groupAt, run, init, initAt, initChannelStep,
            initVectorStep, after, first * LANES, floor);
      } else {
        fourPointwise(strip, feeds, wt, dst, groupAt, run, init, initAt, initChannelStep,
            initVectorStep, after, first * LANES, floor);
      }
    }
  }

  /**
   * As {@link #row} followed by {@code next}'s row y over this one's output (a 1x1 convolution
   * with {@code next}'s residual and ReLU), but each stretch of {@code 2 * LANES} pixels goes
   * straight from this convolution to {@code next} through a strip that stays in L1: this
   * convolution's output row is never written out and read back. Each output is the same sum
   * either way.
   *
   * @param nextScratch from {@code next.stripScratch()}
   */
  void rowThen(ChannelRows[] inputs, PlanarConv next, ChannelRows residual, ChannelRows out,
      int image, int y, Scratch scratch, Scratch nextScratch) {
    if (next.kernel != 1 || next.feeds != outChannels || next.outChannels != out.channels()) {
      throw new IllegalArgumentException("rowThen: the next convolution must be a dense 1x1 "
          + "over this one's " + outChannels + " outputs");
    }
    int w = out.width();
    int run = out.runLength();
    float[] dst = out.data();
    int terms = termsPerBlock - 1;
    int nextTerms = next.termsPerBlock - (residual == null ? 1 : 0);
    termsOf(inputs, image, y, scratch);
    int rowAt = out.at(image, 0, y);
    readAhead(inputs, residual, out, image, y);
    float[] strip = nextScratch.strip;
    for (int x = 0; x < w; x += 2 * LANES) {
      for (int g = 0; g < blocks; g++) {
        block(scratch, terms, g, x, w - x, strip, g * BLOCK * STRIP_RUN, STRIP_RUN, null);
      }
      if (next.sixWeights != null) {
        next.pointwiseStep(strip, dst, rowAt + x, run, residual);
      } else {
        for (int g = 0; g < next.blocks; g++) {
          next.block(nextScratch, nextTerms, g, 0, w - x, dst, rowAt + g * BLOCK * run + x,
              run, residual);
        }
      }
    }
    next.zeroPastWidth(dst, rowAt, w, run);
  }

  /**
   * {@link #touch}es the rows that output row y is about to read and write: each input's
   * newest (y + k / 2), the residual's and the output's row y.
   */
  private void readAhead(ChannelRows[] inputs, ChannelRows residual, ChannelRows out, int image,
      int y) {
    int rowAt = out.at(image, 0, y);
    float touched = 0;
    int last = Math.min(y + kernel / 2, out.height() - 1);
    for (ChannelRows in : inputs) {
      touched += touch(in.data(), in.at(image, 0, last) - 1, in.rowLength());
    }
    if (residual != null) {
      touched += touch(residual.data(), rowAt - 1, out.rowLength());
    }
    touched += touch(out.data(), rowAt - 1, out.rowLength());
    sink = touched;
  }

  /**
   * Block g's outputs at {@code 2 * LANES} pixels (one vector where only {@code left} <= LANES
   * are left, 16 lanes) from index {@code at} of each term's input into {@code dst} at
   * {@code dstAt}, channels {@code run} apart: from the bias, or from {@code residual} at the
   * same index as the output.
   */
  private void block(Scratch scratch, int terms, int g, int at, int left, float[] dst,
      int dstAt, int run, ChannelRows residual) {
    float[] init = residual == null ? biasLanes : residual.data();
    int initAt = residual == null ? g * BLOCK * LANES : dstAt;
    int initStep = residual == null ? LANES : run;
    if (!PAIRS) {
      // with 8 lanes the run (rounded up to 16 pixels) holds two vectors at every step
      narrowPairs(scratch.src[g], scratch.offsets[g], scratch.segmentEnds[g], terms, g, at, dst,
          dstAt, run, init, initAt, initStep, residual == null ? 0 : LANES);
    } else if (left > LANES) {
      pair(scratch.src[g], scratch.offsets[g], terms, g, at, dst, dstAt, run, init, initAt,
          initStep, residual == null ? 0 : LANES);
    } else {
      single(scratch.src[g], scratch.offsets[g], terms, g, at, dst, dstAt, run, init, initAt,
          initStep);
    }
  }

  /** The last vector's pixels past the width are the next convolution's zero padding. */
  private void zeroPastWidth(float[] dst, int rowAt, int w, int run) {
    for (int o = 0; o < outChannels; o++) {
      int from = rowAt + o * run;
      Arrays.fill(dst, from + w, from + run - 1, 0f);
    }
  }

  /** Output row y's terms: each input's array and the index of the pixel it starts from. */
  private void termsOf(ChannelRows[] inputs, int image, int y, Scratch scratch) {
    int k = kernel;
    int[] rowAt = new int[inputs.length * k];
    for (int i = 0; i < inputs.length; i++) {
      for (int dy = 0; dy < k; dy++) {
        rowAt[i * k + dy] = inputs[i].at(image, 0, y + dy - k / 2);
      }
    }
    int terms = termsPerBlock - 1;
    for (int g = 0; g < blocks; g++) {
      float[][] src = scratch.src[g];
      int[] offsets = scratch.offsets[g];
      int[] input = scratch.termInput[g];
      int[] row = scratch.termRow[g];
      int[] shift = scratch.termShift[g];
      for (int f = 0; f < terms; f++) {
        src[f] = inputs[input[f]].data();
        offsets[f] = rowAt[input[f] * k + row[f]] + shift[f];
      }
    }
  }

  /**
   * Output block g (13 channels) at two vectors of pixels from index {@code at} of each term's
   * input: max(start + products, floor), where the accumulators start from {@code init} (the
   * bias over the lanes, or a residual laid out as the output).
   *
   * <p>One flat loop over the (tap, input channel) terms, one path to the stores, and one
   * method for both starts: with the taps in an outer loop C2 kept the accumulators as boxed
   * vectors (5 against 98 GFLOP/s in a harness); a branch before the stores made C2 lose the
   * vectors' class; and a second, longer copy of this method with a residual add before the
   * stores failed C1's register allocation, never reached C2 and ran CARN's backbone 8x
   * slower.
   */
  private void pair(float[][] src, int[] offsets, int terms, int g, int at, float[] dst,
      int dstAt, int run, float[] init, int initAt, int initChannelStep, int initVectorStep) {
    final float[] wt = weights;
    FloatVector a0_0 = FloatVector.fromArray(SPECIES, init, initAt + 0 * initChannelStep);
    FloatVector a1_0 = FloatVector.fromArray(SPECIES, init,
        initAt + 0 * initChannelStep + initVectorStep);
    FloatVector a0_1 = FloatVector.fromArray(SPECIES, init, initAt + 1 * initChannelStep);
    FloatVector a1_1 = FloatVector.fromArray(SPECIES, init,
        initAt + 1 * initChannelStep + initVectorStep);
    FloatVector a0_2 = FloatVector.fromArray(SPECIES, init, initAt + 2 * initChannelStep);
    FloatVector a1_2 = FloatVector.fromArray(SPECIES, init,
        initAt + 2 * initChannelStep + initVectorStep);
    FloatVector a0_3 = FloatVector.fromArray(SPECIES, init, initAt + 3 * initChannelStep);
    FloatVector a1_3 = FloatVector.fromArray(SPECIES, init,
        initAt + 3 * initChannelStep + initVectorStep);
    FloatVector a0_4 = FloatVector.fromArray(SPECIES, init, initAt + 4 * initChannelStep);
    FloatVector a1_4 = FloatVector.fromArray(SPECIES, init,
        initAt + 4 * initChannelStep + initVectorStep);
    FloatVector a0_5 = FloatVector.fromArray(SPECIES, init, initAt + 5 * initChannelStep);
    FloatVector a1_5 = FloatVector.fromArray(SPECIES, init,
        initAt + 5 * initChannelStep + initVectorStep);
    FloatVector a0_6 = FloatVector.fromArray(SPECIES, init, initAt + 6 * initChannelStep);
    FloatVector a1_6 = FloatVector.fromArray(SPECIES, init,
        initAt + 6 * initChannelStep + initVectorStep);
    FloatVector a0_7 = FloatVector.fromArray(SPECIES, init, initAt + 7 * initChannelStep);
    FloatVector a1_7 = FloatVector.fromArray(SPECIES, init,
        initAt + 7 * initChannelStep + initVectorStep);
    FloatVector a0_8 = FloatVector.fromArray(SPECIES, init, initAt + 8 * initChannelStep);
    FloatVector a1_8 = FloatVector.fromArray(SPECIES, init,
        initAt + 8 * initChannelStep + initVectorStep);
    FloatVector a0_9 = FloatVector.fromArray(SPECIES, init, initAt + 9 * initChannelStep);
    FloatVector a1_9 = FloatVector.fromArray(SPECIES, init,
        initAt + 9 * initChannelStep + initVectorStep);
    FloatVector a0_10 = FloatVector.fromArray(SPECIES, init, initAt + 10 * initChannelStep);
    FloatVector a1_10 = FloatVector.fromArray(SPECIES, init,
        initAt + 10 * initChannelStep + initVectorStep);
    FloatVector a0_11 = FloatVector.fromArray(SPECIES, init, initAt + 11 * initChannelStep);
    FloatVector a1_11 = FloatVector.fromArray(SPECIES, init,
        initAt + 11 * initChannelStep + initVectorStep);
    FloatVector a0_12 = FloatVector.fromArray(SPECIES, init, initAt + 12 * initChannelStep);
    FloatVector a1_12 = FloatVector.fromArray(SPECIES, init,
        initAt + 12 * initChannelStep + initVectorStep);
    int wi = g * termsPerBlock * BLOCK;
    for (int f = 0; f < terms; f++, wi += BLOCK) {
      float[] s = src[f];
      int i = offsets[f] + at;
      FloatVector v0 = FloatVector.fromArray(SPECIES, s, i);
      FloatVector v1 = FloatVector.fromArray(SPECIES, s, i + LANES);
      FloatVector c0 = FloatVector.broadcast(SPECIES, wt[wi + 0]);
      a0_0 = c0.fma(v0, a0_0);
      a1_0 = c0.fma(v1, a1_0);
      FloatVector c1 = FloatVector.broadcast(SPECIES, wt[wi + 1]);
      a0_1 = c1.fma(v0, a0_1);
      a1_1 = c1.fma(v1, a1_1);
      FloatVector c2 = FloatVector.broadcast(SPECIES, wt[wi + 2]);
      a0_2 = c2.fma(v0, a0_2);
      a1_2 = c2.fma(v1, a1_2);
      FloatVector c3 = FloatVector.broadcast(SPECIES, wt[wi + 3]);
      a0_3 = c3.fma(v0, a0_3);
      a1_3 = c3.fma(v1, a1_3);
      FloatVector c4 = FloatVector.broadcast(SPECIES, wt[wi + 4]);
      a0_4 = c4.fma(v0, a0_4);
      a1_4 = c4.fma(v1, a1_4);
      FloatVector c5 = FloatVector.broadcast(SPECIES, wt[wi + 5]);
      a0_5 = c5.fma(v0, a0_5);
      a1_5 = c5.fma(v1, a1_5);
      FloatVector c6 = FloatVector.broadcast(SPECIES, wt[wi + 6]);
      a0_6 = c6.fma(v0, a0_6);
      a1_6 = c6.fma(v1, a1_6);
      FloatVector c7 = FloatVector.broadcast(SPECIES, wt[wi + 7]);
      a0_7 = c7.fma(v0, a0_7);
      a1_7 = c7.fma(v1, a1_7);
      FloatVector c8 = FloatVector.broadcast(SPECIES, wt[wi + 8]);
      a0_8 = c8.fma(v0, a0_8);
      a1_8 = c8.fma(v1, a1_8);
      FloatVector c9 = FloatVector.broadcast(SPECIES, wt[wi + 9]);
      a0_9 = c9.fma(v0, a0_9);
      a1_9 = c9.fma(v1, a1_9);
      FloatVector c10 = FloatVector.broadcast(SPECIES, wt[wi + 10]);
      a0_10 = c10.fma(v0, a0_10);
      a1_10 = c10.fma(v1, a1_10);
      FloatVector c11 = FloatVector.broadcast(SPECIES, wt[wi + 11]);
      a0_11 = c11.fma(v0, a0_11);
      a1_11 = c11.fma(v1, a1_11);
      FloatVector c12 = FloatVector.broadcast(SPECIES, wt[wi + 12]);
      a0_12 = c12.fma(v0, a0_12);
      a1_12 = c12.fma(v1, a1_12);
    }
    FloatVector lo = FloatVector.broadcast(SPECIES, floor);
    a0_0.max(lo).intoArray(dst, dstAt + 0 * run);
    a1_0.max(lo).intoArray(dst, dstAt + 0 * run + LANES);
    a0_1.max(lo).intoArray(dst, dstAt + 1 * run);
    a1_1.max(lo).intoArray(dst, dstAt + 1 * run + LANES);
    a0_2.max(lo).intoArray(dst, dstAt + 2 * run);
    a1_2.max(lo).intoArray(dst, dstAt + 2 * run + LANES);
    a0_3.max(lo).intoArray(dst, dstAt + 3 * run);
    a1_3.max(lo).intoArray(dst, dstAt + 3 * run + LANES);
    a0_4.max(lo).intoArray(dst, dstAt + 4 * run);
    a1_4.max(lo).intoArray(dst, dstAt + 4 * run + LANES);
    a0_5.max(lo).intoArray(dst, dstAt + 5 * run);
    a1_5.max(lo).intoArray(dst, dstAt + 5 * run + LANES);
    a0_6.max(lo).intoArray(dst, dstAt + 6 * run);
    a1_6.max(lo).intoArray(dst, dstAt + 6 * run + LANES);
    a0_7.max(lo).intoArray(dst, dstAt + 7 * run);
    a1_7.max(lo).intoArray(dst, dstAt + 7 * run + LANES);
    a0_8.max(lo).intoArray(dst, dstAt + 8 * run);
    a1_8.max(lo).intoArray(dst, dstAt + 8 * run + LANES);
    a0_9.max(lo).intoArray(dst, dstAt + 9 * run);
    a1_9.max(lo).intoArray(dst, dstAt + 9 * run + LANES);
    a0_10.max(lo).intoArray(dst, dstAt + 10 * run);
    a1_10.max(lo).intoArray(dst, dstAt + 10 * run + LANES);
    a0_11.max(lo).intoArray(dst, dstAt + 11 * run);
    a1_11.max(lo).intoArray(dst, dstAt + 11 * run + LANES);
    a0_12.max(lo).intoArray(dst, dstAt + 12 * run);
    a1_12.max(lo).intoArray(dst, dstAt + 12 * run + LANES);
  }

  /**
   * {@link #pair}'s work where there are 16 vector registers (AVX2): block g's 13 outputs at two
   * vectors of pixels, in three passes (outputs 0-4, 5-8, 9-12). A pass keeps 8 or 10
   * accumulators, enough independent multiply-adds for both FMA units, and with the two input
   * vectors and a broadcast weight fits the registers; the passes re-read the inputs from L1.
   *
   * <p>A pass runs over the terms one input array at a time ({@link Scratch#segmentEnds}),
   * carrying its sums through {@code dst}, so that the loop does not look up each term's array.
   * The sums are the same either way. One thread of an AMD EPYC (Zen 3), a 420x276 image: the
   * grouped 3x3 convolution at 51 GFLOP/s (46 with the array looked up per term, 23 in one
   * pass of 13 outputs at one vector), the dense 1x1 at 41, against 97 for bare FMAs. Six
   * outputs per pass (12 accumulators) ran slower: C2 spilled the loop counter and an
   * accumulator. PERFORMANCE.md lists the other layouts tried.
   */
  private void narrowPairs(float[][] src, int[] offsets, int[] segmentEnds, int terms, int g,
      int at, float[] dst, int dstAt, int run, float[] init, int initAt, int initChannelStep,
      int initVectorStep) {
    for (int first = 0; first < BLOCK; first += first == 0 ? 5 : 4) {
      float[] start = init;
      int startAt = initAt;
      int startChannelStep = initChannelStep;
      int startVectorStep = initVectorStep;
      for (int k = 0, from = 0; from < terms; k++) {
        int to = Math.min(segmentEnds[k], terms);
        float lo = to == terms ? floor : Float.NEGATIVE_INFINITY;
        if (first == 0) {
          fiveOutputs(src[from], offsets, from, to, g, first, at, dst, dstAt, run, start, startAt,
              startChannelStep, startVectorStep, lo);
        } else {
          fourOutputs(src[from], offsets, from, to, g, first, at, dst, dstAt, run, start, startAt,
              startChannelStep, startVectorStep, lo);
        }
        start = dst;
        startAt = dstAt;
        startChannelStep = run;
        startVectorStep = LANES;
        from = to;
      }
    }
  }

  /**
   * One pass of {@link #narrowPairs}: outputs {@code first} to {@code first + 4} of block g
   * over terms [from, to), which all read {@code s}, then max(sum, lo).
   */
  private void fiveOutputs(float[] s, int[] offsets, int from, int to, int g, int first, int at,
      float[] dst, int dstAt, int run, float[] init, int initAt, int initChannelStep,
      int initVectorStep, float lo) {
    final float[] wt = weights;
    FloatVector a0_0 = FloatVector.fromArray(SPECIES, init,
        initAt + (first + 0) * initChannelStep);
    FloatVector a1_0 = FloatVector.fromArray(SPECIES, init,
        initAt + (first + 0) * initChannelStep + initVectorStep);
    FloatVector a0_1 = FloatVector.fromArray(SPECIES, init,
        initAt + (first + 1) * initChannelStep);
    FloatVector a1_1 = FloatVector.fromArray(SPECIES, init,
        initAt + (first + 1) * initChannelStep + initVectorStep);
    FloatVector a0_2 = FloatVector.fromArray(SPECIES, init,
        initAt + (first + 2) * initChannelStep);
    FloatVector a1_2 = FloatVector.fromArray(SPECIES, init,
        initAt + (first + 2) * initChannelStep + initVectorStep);
    FloatVector a0_3 = FloatVector.fromArray(SPECIES, init,
        initAt + (first + 3) * initChannelStep);
    FloatVector a1_3 = FloatVector.fromArray(SPECIES, init,
        initAt + (first + 3) * initChannelStep + initVectorStep);
    FloatVector a0_4 = FloatVector.fromArray(SPECIES, init,
        initAt + (first + 4) * initChannelStep);
    FloatVector a1_4 = FloatVector.fromArray(SPECIES, init,
        initAt + (first + 4) * initChannelStep + initVectorStep);
    int w0 = g * termsPerBlock * BLOCK + first;
    for (int f = from; f < to; f++) {
      int wi = w0 + f * BLOCK;
      int i = offsets[f] + at;
      FloatVector v0 = FloatVector.fromArray(SPECIES, s, i);
      FloatVector v1 = FloatVector.fromArray(SPECIES, s, i + LANES);
      FloatVector c0 = FloatVector.broadcast(SPECIES, wt[wi + 0]);
      a0_0 = c0.fma(v0, a0_0);
      a1_0 = c0.fma(v1, a1_0);
      FloatVector c1 = FloatVector.broadcast(SPECIES, wt[wi + 1]);
      a0_1 = c1.fma(v0, a0_1);
      a1_1 = c1.fma(v1, a1_1);
      FloatVector c2 = FloatVector.broadcast(SPECIES, wt[wi + 2]);
      a0_2 = c2.fma(v0, a0_2);
      a1_2 = c2.fma(v1, a1_2);
      FloatVector c3 = FloatVector.broadcast(SPECIES, wt[wi + 3]);
      a0_3 = c3.fma(v0, a0_3);
      a1_3 = c3.fma(v1, a1_3);
      FloatVector c4 = FloatVector.broadcast(SPECIES, wt[wi + 4]);
      a0_4 = c4.fma(v0, a0_4);
      a1_4 = c4.fma(v1, a1_4);
    }
    FloatVector floorLanes = FloatVector.broadcast(SPECIES, lo);
    a0_0.max(floorLanes).intoArray(dst, dstAt + (first + 0) * run);
    a1_0.max(floorLanes).intoArray(dst, dstAt + (first + 0) * run + LANES);
    a0_1.max(floorLanes).intoArray(dst, dstAt + (first + 1) * run);
    a1_1.max(floorLanes).intoArray(dst, dstAt + (first + 1) * run + LANES);
    a0_2.max(floorLanes).intoArray(dst, dstAt + (first + 2) * run);
    a1_2.max(floorLanes).intoArray(dst, dstAt + (first + 2) * run + LANES);
    a0_3.max(floorLanes).intoArray(dst, dstAt + (first + 3) * run);
    a1_3.max(floorLanes).intoArray(dst, dstAt + (first + 3) * run + LANES);
    a0_4.max(floorLanes).intoArray(dst, dstAt + (first + 4) * run);
    a1_4.max(floorLanes).intoArray(dst, dstAt + (first + 4) * run + LANES);
  }

  /**
   * One pass of {@link #narrowPairs}: outputs {@code first} to {@code first + 3} of block g
   * over terms [from, to), which all read {@code s}, then max(sum, lo). A copy of
   * {@link #fiveOutputs} less one output on purpose: one method with the fifth output behind a
   * flag made C2 lose the vectors (alternating, one thread, inputs in L2: 20-21 GFLOP/s for
   * the grouped 3x3 against 48-51).
   */
  private void fourOutputs(float[] s, int[] offsets, int from, int to, int g, int first, int at,
      float[] dst, int dstAt, int run, float[] init, int initAt, int initChannelStep,
      int initVectorStep, float lo) {
    final float[] wt = weights;
    FloatVector a0_0 = FloatVector.fromArray(SPECIES, init,
        initAt + (first + 0) * initChannelStep);
    FloatVector a1_0 = FloatVector.fromArray(SPECIES, init,
        initAt + (first + 0) * initChannelStep + initVectorStep);
    FloatVector a0_1 = FloatVector.fromArray(SPECIES, init,
        initAt + (first + 1) * initChannelStep);
    FloatVector a1_1 = FloatVector.fromArray(SPECIES, init,
        initAt + (first + 1) * initChannelStep + initVectorStep);
    FloatVector a0_2 = FloatVector.fromArray(SPECIES, init,
        initAt + (first + 2) * initChannelStep);
    FloatVector a1_2 = FloatVector.fromArray(SPECIES, init,
        initAt + (first + 2) * initChannelStep + initVectorStep);
    FloatVector a0_3 = FloatVector.fromArray(SPECIES, init,
        initAt + (first + 3) * initChannelStep);
    FloatVector a1_3 = FloatVector.fromArray(SPECIES, init,
        initAt + (first + 3) * initChannelStep + initVectorStep);
    int w0 = g * termsPerBlock * BLOCK + first;
    for (int f = from; f < to; f++) {
      int wi = w0 + f * BLOCK;
      int i = offsets[f] + at;
      FloatVector v0 = FloatVector.fromArray(SPECIES, s, i);
      FloatVector v1 = FloatVector.fromArray(SPECIES, s, i + LANES);
      FloatVector c0 = FloatVector.broadcast(SPECIES, wt[wi + 0]);
      a0_0 = c0.fma(v0, a0_0);
      a1_0 = c0.fma(v1, a1_0);
      FloatVector c1 = FloatVector.broadcast(SPECIES, wt[wi + 1]);
      a0_1 = c1.fma(v0, a0_1);
      a1_1 = c1.fma(v1, a1_1);
      FloatVector c2 = FloatVector.broadcast(SPECIES, wt[wi + 2]);
      a0_2 = c2.fma(v0, a0_2);
      a1_2 = c2.fma(v1, a1_2);
      FloatVector c3 = FloatVector.broadcast(SPECIES, wt[wi + 3]);
      a0_3 = c3.fma(v0, a0_3);
      a1_3 = c3.fma(v1, a1_3);
    }
    FloatVector floorLanes = FloatVector.broadcast(SPECIES, lo);
    a0_0.max(floorLanes).intoArray(dst, dstAt + (first + 0) * run);
    a1_0.max(floorLanes).intoArray(dst, dstAt + (first + 0) * run + LANES);
    a0_1.max(floorLanes).intoArray(dst, dstAt + (first + 1) * run);
    a1_1.max(floorLanes).intoArray(dst, dstAt + (first + 1) * run + LANES);
    a0_2.max(floorLanes).intoArray(dst, dstAt + (first + 2) * run);
    a1_2.max(floorLanes).intoArray(dst, dstAt + (first + 2) * run + LANES);
    a0_3.max(floorLanes).intoArray(dst, dstAt + (first + 3) * run);
    a1_3.max(floorLanes).intoArray(dst, dstAt + (first + 3) * run + LANES);
  }

  /**
   * One pass of {@link #pointwiseStep}: six outputs over the {@code terms} channels of a strip,
   * then max(sum + after, lo).
   */
  private static void sixPointwise(float[] s, int terms, float[] wt,
      float[] dst, int dstAt, int run, float[] init, int initAt, int initChannelStep,
      int initVectorStep, float[] after, int afterAt, float lo) {
    FloatVector a0 = FloatVector.fromArray(SPECIES, init, initAt + 0 * initChannelStep);
    FloatVector b0 = FloatVector.fromArray(SPECIES, init,
        initAt + 0 * initChannelStep + initVectorStep);
    FloatVector a1 = FloatVector.fromArray(SPECIES, init, initAt + 1 * initChannelStep);
    FloatVector b1 = FloatVector.fromArray(SPECIES, init,
        initAt + 1 * initChannelStep + initVectorStep);
    FloatVector a2 = FloatVector.fromArray(SPECIES, init, initAt + 2 * initChannelStep);
    FloatVector b2 = FloatVector.fromArray(SPECIES, init,
        initAt + 2 * initChannelStep + initVectorStep);
    FloatVector a3 = FloatVector.fromArray(SPECIES, init, initAt + 3 * initChannelStep);
    FloatVector b3 = FloatVector.fromArray(SPECIES, init,
        initAt + 3 * initChannelStep + initVectorStep);
    FloatVector a4 = FloatVector.fromArray(SPECIES, init, initAt + 4 * initChannelStep);
    FloatVector b4 = FloatVector.fromArray(SPECIES, init,
        initAt + 4 * initChannelStep + initVectorStep);
    FloatVector a5 = FloatVector.fromArray(SPECIES, init, initAt + 5 * initChannelStep);
    FloatVector b5 = FloatVector.fromArray(SPECIES, init,
        initAt + 5 * initChannelStep + initVectorStep);
    for (int c = 0; c < terms; c++) {
      int i = c * STRIP_RUN;
      FloatVector x0 = FloatVector.fromArray(SPECIES, s, i);
      FloatVector x1 = FloatVector.fromArray(SPECIES, s, i + LANES);
      int wi = c * 6;
      FloatVector v0 = FloatVector.broadcast(SPECIES, wt[wi + 0]);
      a0 = x0.fma(v0, a0);
      b0 = x1.fma(v0, b0);
      FloatVector v1 = FloatVector.broadcast(SPECIES, wt[wi + 1]);
      a1 = x0.fma(v1, a1);
      b1 = x1.fma(v1, b1);
      FloatVector v2 = FloatVector.broadcast(SPECIES, wt[wi + 2]);
      a2 = x0.fma(v2, a2);
      b2 = x1.fma(v2, b2);
      FloatVector v3 = FloatVector.broadcast(SPECIES, wt[wi + 3]);
      a3 = x0.fma(v3, a3);
      b3 = x1.fma(v3, b3);
      FloatVector v4 = FloatVector.broadcast(SPECIES, wt[wi + 4]);
      a4 = x0.fma(v4, a4);
      b4 = x1.fma(v4, b4);
      FloatVector v5 = FloatVector.broadcast(SPECIES, wt[wi + 5]);
      a5 = x0.fma(v5, a5);
      b5 = x1.fma(v5, b5);
    }
    FloatVector floorLanes = FloatVector.broadcast(SPECIES, lo);
    FloatVector add0 = FloatVector.fromArray(SPECIES, after, afterAt + 0 * LANES);
    a0.add(add0).max(floorLanes).intoArray(dst, dstAt + 0 * run);
    b0.add(add0).max(floorLanes).intoArray(dst, dstAt + 0 * run + LANES);
    FloatVector add1 = FloatVector.fromArray(SPECIES, after, afterAt + 1 * LANES);
    a1.add(add1).max(floorLanes).intoArray(dst, dstAt + 1 * run);
    b1.add(add1).max(floorLanes).intoArray(dst, dstAt + 1 * run + LANES);
    FloatVector add2 = FloatVector.fromArray(SPECIES, after, afterAt + 2 * LANES);
    a2.add(add2).max(floorLanes).intoArray(dst, dstAt + 2 * run);
    b2.add(add2).max(floorLanes).intoArray(dst, dstAt + 2 * run + LANES);
    FloatVector add3 = FloatVector.fromArray(SPECIES, after, afterAt + 3 * LANES);
    a3.add(add3).max(floorLanes).intoArray(dst, dstAt + 3 * run);
    b3.add(add3).max(floorLanes).intoArray(dst, dstAt + 3 * run + LANES);
    FloatVector add4 = FloatVector.fromArray(SPECIES, after, afterAt + 4 * LANES);
    a4.add(add4).max(floorLanes).intoArray(dst, dstAt + 4 * run);
    b4.add(add4).max(floorLanes).intoArray(dst, dstAt + 4 * run + LANES);
    FloatVector add5 = FloatVector.fromArray(SPECIES, after, afterAt + 5 * LANES);
    a5.add(add5).max(floorLanes).intoArray(dst, dstAt + 5 * run);
    b5.add(add5).max(floorLanes).intoArray(dst, dstAt + 5 * run + LANES);
  }

  /**
   * {@link #sixPointwise} for the last four outputs (52 = 8 x 6 + 4): a copy less two outputs,
   * as {@link #fourOutputs} is of {@link #fiveOutputs}.
   */
  private static void fourPointwise(float[] s, int terms, float[] wt,
      float[] dst, int dstAt, int run, float[] init, int initAt, int initChannelStep,
      int initVectorStep, float[] after, int afterAt, float lo) {
    FloatVector a0 = FloatVector.fromArray(SPECIES, init, initAt + 0 * initChannelStep);
    FloatVector b0 = FloatVector.fromArray(SPECIES, init,
        initAt + 0 * initChannelStep + initVectorStep);
    FloatVector a1 = FloatVector.fromArray(SPECIES, init, initAt + 1 * initChannelStep);
    FloatVector b1 = FloatVector.fromArray(SPECIES, init,
        initAt + 1 * initChannelStep + initVectorStep);
    FloatVector a2 = FloatVector.fromArray(SPECIES, init, initAt + 2 * initChannelStep);
    FloatVector b2 = FloatVector.fromArray(SPECIES, init,
        initAt + 2 * initChannelStep + initVectorStep);
    FloatVector a3 = FloatVector.fromArray(SPECIES, init, initAt + 3 * initChannelStep);
    FloatVector b3 = FloatVector.fromArray(SPECIES, init,
        initAt + 3 * initChannelStep + initVectorStep);
    for (int c = 0; c < terms; c++) {
      int i = c * STRIP_RUN;
      FloatVector x0 = FloatVector.fromArray(SPECIES, s, i);
      FloatVector x1 = FloatVector.fromArray(SPECIES, s, i + LANES);
      int wi = c * 4;
      FloatVector v0 = FloatVector.broadcast(SPECIES, wt[wi + 0]);
      a0 = x0.fma(v0, a0);
      b0 = x1.fma(v0, b0);
      FloatVector v1 = FloatVector.broadcast(SPECIES, wt[wi + 1]);
      a1 = x0.fma(v1, a1);
      b1 = x1.fma(v1, b1);
      FloatVector v2 = FloatVector.broadcast(SPECIES, wt[wi + 2]);
      a2 = x0.fma(v2, a2);
      b2 = x1.fma(v2, b2);
      FloatVector v3 = FloatVector.broadcast(SPECIES, wt[wi + 3]);
      a3 = x0.fma(v3, a3);
      b3 = x1.fma(v3, b3);
    }
    FloatVector floorLanes = FloatVector.broadcast(SPECIES, lo);
    FloatVector add0 = FloatVector.fromArray(SPECIES, after, afterAt + 0 * LANES);
    a0.add(add0).max(floorLanes).intoArray(dst, dstAt + 0 * run);
    b0.add(add0).max(floorLanes).intoArray(dst, dstAt + 0 * run + LANES);
    FloatVector add1 = FloatVector.fromArray(SPECIES, after, afterAt + 1 * LANES);
    a1.add(add1).max(floorLanes).intoArray(dst, dstAt + 1 * run);
    b1.add(add1).max(floorLanes).intoArray(dst, dstAt + 1 * run + LANES);
    FloatVector add2 = FloatVector.fromArray(SPECIES, after, afterAt + 2 * LANES);
    a2.add(add2).max(floorLanes).intoArray(dst, dstAt + 2 * run);
    b2.add(add2).max(floorLanes).intoArray(dst, dstAt + 2 * run + LANES);
    FloatVector add3 = FloatVector.fromArray(SPECIES, after, afterAt + 3 * LANES);
    a3.add(add3).max(floorLanes).intoArray(dst, dstAt + 3 * run);
    b3.add(add3).max(floorLanes).intoArray(dst, dstAt + 3 * run + LANES);
  }

  /**
   * As {@link #pair}, over one vector of pixels: the last 16 or fewer of a row (16 lanes).
   */
  private void single(float[][] src, int[] offsets, int terms, int g, int at, float[] dst,
      int dstAt, int run, float[] init, int initAt, int initChannelStep) {
    final float[] wt = weights;
    FloatVector a0_0 = FloatVector.fromArray(SPECIES, init, initAt + 0 * initChannelStep);
    FloatVector a0_1 = FloatVector.fromArray(SPECIES, init, initAt + 1 * initChannelStep);
    FloatVector a0_2 = FloatVector.fromArray(SPECIES, init, initAt + 2 * initChannelStep);
    FloatVector a0_3 = FloatVector.fromArray(SPECIES, init, initAt + 3 * initChannelStep);
    FloatVector a0_4 = FloatVector.fromArray(SPECIES, init, initAt + 4 * initChannelStep);
    FloatVector a0_5 = FloatVector.fromArray(SPECIES, init, initAt + 5 * initChannelStep);
    FloatVector a0_6 = FloatVector.fromArray(SPECIES, init, initAt + 6 * initChannelStep);
    FloatVector a0_7 = FloatVector.fromArray(SPECIES, init, initAt + 7 * initChannelStep);
    FloatVector a0_8 = FloatVector.fromArray(SPECIES, init, initAt + 8 * initChannelStep);
    FloatVector a0_9 = FloatVector.fromArray(SPECIES, init, initAt + 9 * initChannelStep);
    FloatVector a0_10 = FloatVector.fromArray(SPECIES, init, initAt + 10 * initChannelStep);
    FloatVector a0_11 = FloatVector.fromArray(SPECIES, init, initAt + 11 * initChannelStep);
    FloatVector a0_12 = FloatVector.fromArray(SPECIES, init, initAt + 12 * initChannelStep);
    int wi = g * termsPerBlock * BLOCK;
    for (int f = 0; f < terms; f++, wi += BLOCK) {
      float[] s = src[f];
      int i = offsets[f] + at;
      FloatVector v0 = FloatVector.fromArray(SPECIES, s, i);
      FloatVector c0 = FloatVector.broadcast(SPECIES, wt[wi + 0]);
      a0_0 = c0.fma(v0, a0_0);
      FloatVector c1 = FloatVector.broadcast(SPECIES, wt[wi + 1]);
      a0_1 = c1.fma(v0, a0_1);
      FloatVector c2 = FloatVector.broadcast(SPECIES, wt[wi + 2]);
      a0_2 = c2.fma(v0, a0_2);
      FloatVector c3 = FloatVector.broadcast(SPECIES, wt[wi + 3]);
      a0_3 = c3.fma(v0, a0_3);
      FloatVector c4 = FloatVector.broadcast(SPECIES, wt[wi + 4]);
      a0_4 = c4.fma(v0, a0_4);
      FloatVector c5 = FloatVector.broadcast(SPECIES, wt[wi + 5]);
      a0_5 = c5.fma(v0, a0_5);
      FloatVector c6 = FloatVector.broadcast(SPECIES, wt[wi + 6]);
      a0_6 = c6.fma(v0, a0_6);
      FloatVector c7 = FloatVector.broadcast(SPECIES, wt[wi + 7]);
      a0_7 = c7.fma(v0, a0_7);
      FloatVector c8 = FloatVector.broadcast(SPECIES, wt[wi + 8]);
      a0_8 = c8.fma(v0, a0_8);
      FloatVector c9 = FloatVector.broadcast(SPECIES, wt[wi + 9]);
      a0_9 = c9.fma(v0, a0_9);
      FloatVector c10 = FloatVector.broadcast(SPECIES, wt[wi + 10]);
      a0_10 = c10.fma(v0, a0_10);
      FloatVector c11 = FloatVector.broadcast(SPECIES, wt[wi + 11]);
      a0_11 = c11.fma(v0, a0_11);
      FloatVector c12 = FloatVector.broadcast(SPECIES, wt[wi + 12]);
      a0_12 = c12.fma(v0, a0_12);
    }
    FloatVector lo = FloatVector.broadcast(SPECIES, floor);
    a0_0.max(lo).intoArray(dst, dstAt + 0 * run);
    a0_1.max(lo).intoArray(dst, dstAt + 1 * run);
    a0_2.max(lo).intoArray(dst, dstAt + 2 * run);
    a0_3.max(lo).intoArray(dst, dstAt + 3 * run);
    a0_4.max(lo).intoArray(dst, dstAt + 4 * run);
    a0_5.max(lo).intoArray(dst, dstAt + 5 * run);
    a0_6.max(lo).intoArray(dst, dstAt + 6 * run);
    a0_7.max(lo).intoArray(dst, dstAt + 7 * run);
    a0_8.max(lo).intoArray(dst, dstAt + 8 * run);
    a0_9.max(lo).intoArray(dst, dstAt + 9 * run);
    a0_10.max(lo).intoArray(dst, dstAt + 10 * run);
    a0_11.max(lo).intoArray(dst, dstAt + 11 * run);
    a0_12.max(lo).intoArray(dst, dstAt + 12 * run);
  }
}
