package io.pcsr.udf.infer;

import io.pcsr.udf.model.PixelMlp;
import io.pcsr.udf.model.PlanarFeatures;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * A per-pixel MLP (the light and heavy upsamplers, the classifier) on the JVM's SIMD units, for
 * the CPU engine.
 *
 * <p>Why not libtorch: the light MLP's layers are 21 wide, and a product that narrow ran at
 * 20-26 GFLOP/s through libtorch here (its GEMM reaches 160 on one core), plus a separate ReLU
 * pass over each activation. Here a group of LR pixels sits across the vector lanes, all of a
 * row's activations stay in L1, each weight is broadcast once per group, and the bias and ReLU
 * cost nothing extra. The classifier (10 wide) gains the same way, and so does the heavy MLP
 * (74 wide): on the tenth stop's AMD EPYC its layers ran at 81-83 GFLOP/s here against 34-40
 * through libtorch's products, with libtorch's GEMM at 90 (docs/PERFORMANCE.md).
 *
 * <p>Loaded only after {@link VectorMlpSupport#usable()} has seen the incubator module: this
 * class links against {@code jdk.incubator.vector}.
 */
final class VectorMlp {
  private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
  /** Lane groups per pass (see {@link #layer}). */
  private static final int GROUPS = 4;

  /**
   * Floats per vector. Constants rather than instance fields, so that C2 folds them into the
   * kernels' index arithmetic: on AVX2 the light MLP then took 1.13 us a span of 32 pixels at
   * one offset against 1.22, the heavy 15.5-15.7 against 15.9-16.6 (nineteenth stop).
   */
  private static final int LANES = SPECIES.length();
  /** 8-float vectors (AVX2): {@link #layer} runs most outputs through {@link #layerBySix}. */
  private static final boolean NARROW = SPECIES.length() == 8;
  /** Pixels per pass of the kernels: {@link #GROUPS} vectors. */
  private static final int SPAN = GROUPS * LANES;
  private final int firstWidth;
  /** The first layer's weight on the features, (firstWidth rounded up to even, C). */
  private final float[] projection;
  private final float[] noBias;
  private final float[] offsetBias; // (s2, firstWidth)
  /**
   * The same, (firstWidth, s2), where s2 is a whole number of lane groups (x4 on 16 or 8
   * lanes); else null: a feature's biases for a group of an LR pixel's offsets in one load.
   */
  private final float[] biasByOffset;
  private final float[][] weights; // per later layer, (out, in) row-major
  private final float[][] biases;
  private final int widest;
  private final int outputs;

  VectorMlp(PixelMlp mlp, int scale) {
    this.firstWidth = mlp.hiddenWidth(0);
    float[] withCarry = mlp.offsetBias(scale);
    int stride = mlp.firstWidth();
    int s2 = scale * scale;
    this.offsetBias = new float[s2 * firstWidth];
    for (int t = 0; t < s2; t++) {
      System.arraycopy(withCarry, t * stride, offsetBias, t * firstWidth, firstWidth);
    }
    if (s2 % LANES == 0) {
      biasByOffset = new float[firstWidth * s2];
      for (int t = 0; t < s2; t++) {
        for (int i = 0; i < firstWidth; i++) {
          biasByOffset[i * s2 + t] = offsetBias[t * firstWidth + i];
        }
      }
    } else {
      biasByOffset = null;
    }
    // padded to an even count of outputs, as the later layers are (see below)
    int projected = firstWidth + (firstWidth & 1);
    float[] onFeatures = mlp.featureWeight();
    this.projection = java.util.Arrays.copyOf(onFeatures,
        projected * (onFeatures.length / firstWidth));
    this.noBias = new float[projected];
    int layers = mlp.layerCount() - 1;
    this.weights = new float[layers][];
    this.biases = new float[layers][];
    if (layers == 0) {
      throw new IllegalArgumentException("VectorMlp needs an MLP with a hidden layer");
    }
    // each layer's outputs are padded to an even count (a zero row, whose output the next
    // layer's zero column ignores), so that layer() only ever computes outputs in pairs
    int in = firstWidth;
    int w = firstWidth;
    for (int l = 0; l < layers; l++) {
      float[] bias = mlp.layerBias(l + 1);
      float[] weight = mlp.layerWeight(l + 1);
      int out = bias.length;
      int realIn = weight.length / out;
      int paddedOut = out + (out & 1);
      weights[l] = new float[paddedOut * in];
      for (int o = 0; o < out; o++) {
        System.arraycopy(weight, o * realIn, weights[l], o * in, realIn);
      }
      biases[l] = java.util.Arrays.copyOf(bias, paddedOut);
      in = paddedOut;
      w = Math.max(w, paddedOut);
    }
    this.widest = w;
    int buffer = w * SPAN;
    this.scratch = ThreadLocal.withInitial(() -> new float[][] {new float[buffer],
        new float[buffer]});
    this.outputs = mlp.outDim();
  }

  /** The vector shape this JVM runs, e.g. "16 float lanes". */
  static String describeLanes() {
    return SPECIES.length() + " float lanes";
  }

  /**
   * The first layer's projection of region pixels [p0, p0 + k)'s features, feature-major:
   * (first width rounded up to even, {@link #stride}(k)), the table that {@link #addTo} and
   * {@link #probabilities} read. On the host, each weight meets a
   * whole vector of pixels of one channel. Through libtorch (a product, its transpose, a copy
   * out and padding), the heavy MLP's projections took 50 ms of a 2K image's all-heavy
   * upsampling on two threads, the light MLP's 25 ms at k=0 (fifteenth stop).
   */
  float[] project(PlanarFeatures features, int p0, int k) {
    if (SPAN > PlanarFeatures.SLACK) {
      throw new IllegalStateException(SPAN + " lanes per span read past the features' slack");
    }
    int stride = stride(k);
    float[] table = new float[noBias.length * stride];
    for (int q = 0; q < k; q += SPAN) {
      layer(features.data(), p0 + q, features.stride(), table, q, stride, projection, noBias,
          false);
    }
    return table;
  }

  /**
   * The projection that a mixed chunk's heavy rows read, and each row's column in it, to pass
   * to {@link #addGathered}. Where the rows fall on at most three quarters of the chunk's k LR
   * pixels, only those pixels are projected, packed: column j is the j-th distinct pixel of
   * {@code lr}, the same sum as {@link #project}'s column for that pixel. At ADM a 2K image's
   * heavy rows fall on 32 % of the LR pixels but on 81 % of the 32-pixel spans, which is what
   * the whole-span projection did (6-7 ms of the upsampling stage); at k=0 on 96 % of the
   * pixels, where the whole chunk is projected as {@link #project} does.
   *
   * @param lr the rows' LR pixels within the chunk, each pixel's rows together (as
   *     {@link ChunkRoutes} lists them)
   */
  Packed projectRows(PlanarFeatures features, int p0, int k, long[] lr) {
    int m = 0;
    for (int r = 0; r < lr.length; r++) {
      m += r == 0 || lr[r] != lr[r - 1] ? 1 : 0;
    }
    if (4L * m > 3L * k) {
      return new Packed(project(features, p0, k), stride(k), lr);
    }
    // lanes past the last pixel repeat it: their columns are computed and never read
    int[] pixel = new int[m + SPAN];
    long[] column = new long[lr.length];
    for (int r = 0, j = -1; r < lr.length; r++) {
      if (r == 0 || lr[r] != lr[r - 1]) {
        pixel[++j] = (int) lr[r];
      }
      column[r] = j;
    }
    java.util.Arrays.fill(pixel, m, pixel.length, pixel[Math.max(0, m - 1)]);
    int stride = stride(m);
    int channels = features.channels();
    float[] table = new float[noBias.length * stride];
    float[] tile = new float[channels * SPAN];
    float[] data = features.data();
    for (int q = 0; q < m; q += SPAN) {
      for (int c = 0; c < channels; c++) {
        int from = c * features.stride() + p0;
        for (int v = 0; v < GROUPS; v++) {
          FloatVector.fromArray(SPECIES, data, from, pixel, q + v * LANES)
              .intoArray(tile, c * SPAN + v * LANES);
        }
      }
      layer(tile, 0, SPAN, table, q, stride, projection, noBias, false);
    }
    return new Packed(table, stride, column);
  }

  /** {@link #projectRows}'s table, its row length, and each heavy row's column in it. */
  record Packed(float[] table, int stride, long[] rows) {}

  /** k rounded up to whole spans. */
  int stride(int k) {
    return (k + SPAN - 1) / SPAN * SPAN;
  }

  /** Output width of the MLP's last layer. */
  int outDim() {
    return outputs;
  }

  /**
   * Adds an upsampler's RGB to the HR planes of {@code out} for every sub-pixel of LR pixels
   * [0, k) of a chunk, where {@code skip} (when given) is 0.
   *
   * @param features {@link #project}'s table, (firstWidth, {@link #stride}(k)): the padding
   *     past k is computed and dropped
   * @param corner HR raster index of each LR pixel's top-left sub-pixel
   */
  void addTo(float[] features, int stride, int k, int scale, int[] corner, int hrWidth,
      byte[] skip, float[] out, int plane) {
    requireOutputs(3);
    eachSpan(features, stride, k, scale, hrWidth, (rgb, q, n, offset) -> {
      for (int g = 0; g < n; g++) {
        int at = corner[q + g] + offset;
        if (skip == null || skip[at] == 0) {
          out[at] += rgb[g];
          out[plane + at] += rgb[SPAN + g];
          out[2 * plane + at] += rgb[2 * SPAN + g];
        }
      }
    });
  }

  /**
   * The classifier's class probabilities for every sub-pixel of LR pixels [0, k): its two
   * outputs are logit differences (see {@code PixelMlp.classifier}), whose sigmoids are the
   * softmax probabilities. Arguments as for {@link #addTo}.
   */
  void probabilities(float[] features, int stride, int k, int scale, int[] corner, int hrWidth,
      float[] pLight, float[] pHeavy) {
    requireOutputs(2);
    eachSpan(features, stride, k, scale, hrWidth, (d, q, n, offset) -> {
      for (int v = 0; v < 2 * SPAN; v += LANES) {
        FloatVector x = FloatVector.fromArray(SPECIES, d, v);
        FloatVector.broadcast(SPECIES, 1f).div(x.neg().lanewise(VectorOperators.EXP).add(1f))
            .intoArray(d, v);
      }
      for (int g = 0; g < n; g++) {
        int at = corner[q + g] + offset;
        pLight[at] = d[g];
        pHeavy[at] = d[SPAN + g];
      }
    });
  }

  /**
   * Adds an upsampler's RGB for chosen rows of a chunk only (the heavy rows of a mixed chunk):
   * row r is LR pixel {@code lr[r]} of the chunk at sub-pixel offset {@code offset[r]}, added at
   * HR raster index {@code target[r]} of each band. A span of rows at a time sits across the
   * lanes, and a row's arithmetic is the same as in {@link #addTo}, so a pixel gets the same
   * value whichever of the two its chunk takes.
   *
   * <p>Where a lane group holds an LR pixel's sub-pixels a whole number of times (x4: 16 lanes,
   * or 8 lanes twice), a group's worth of consecutive offsets of one LR pixel, aligned to the
   * group (an LR pixel heavy throughout, or half of it with 8 lanes), fills one group by
   * itself: its first layer is one broadcast feature plus the offsets' biases, a plain load.
   * The other rows go through the lanes by offset ({@link #byOffset}), so that most lane groups
   * hold one offset of any LR pixels: its bias a broadcast, each feature a vector gather (see
   * {@link #firstLayerGathered}). (A scalar loop took 30 % as long as the heavy MLP's layers;
   * the gathers halved that.)
   *
   * @param features a projected table, (first width, stride): {@link #projectRows}'s
   * @param lr each row's column in {@code features}, each pixel's rows together and in offset
   *     order (as {@link ChunkRoutes} lists them)
   */
  void addGathered(float[] features, int stride, long[] lr, long[] offset, int[] target,
      float[] out, int plane) {
    requireOutputs(3);
    int n = target.length;
    float[][] scratch = scratch();
    int[] rowAt = new int[SPAN];
    int[] biasAt = new int[SPAN];
    // rows of whole groups of one pixel's offsets and the rest, by their first row in the list
    int[] whole = new int[n / LANES + 1];
    int[] rest = new int[n];
    int wholeCount = 0;
    int restCount = 0;
    boolean byPixel = biasByOffset != null;
    for (int r = 0; r < n; ) {
      // a pixel's rows are in offset order, each offset once: lanes rows of one pixel from an
      // offset that starts a group hold that group's every offset
      if (byPixel && offset[r] % LANES == 0 && r + LANES <= n
          && lr[r + LANES - 1] == lr[r] && offset[r + LANES - 1] == offset[r] + LANES - 1) {
        whole[wholeCount++] = r;
        r += LANES;
      } else {
        rest[restCount++] = r++;
      }
    }
    int[] lane = new int[SPAN]; // the list row of each lane
    for (int w0 = 0; w0 < wholeCount; w0 += GROUPS) {
      int groups = Math.min(GROUPS, wholeCount - w0);
      for (int g = 0; g < SPAN; g++) {
        lane[g] = whole[w0 + Math.min(g / LANES, groups - 1)] + g % LANES;
      }
      firstLayerWhole(features, stride, lr, offset, lane, scratch[0]);
      addRows(laterLayers(scratch), lane, groups * LANES, target, out, plane);
    }
    int[] byOffset = byOffset(rest, restCount, offset);
    for (int r0 = 0; r0 < restCount; r0 += SPAN) {
      int m = Math.min(SPAN, restCount - r0);
      for (int g = 0; g < SPAN; g++) {
        lane[g] = byOffset[r0 + Math.min(g, m - 1)];
      }
      firstLayerGathered(features, stride, lr, offset, lane, m, scratch[0], rowAt, biasAt);
      addRows(laterLayers(scratch), lane, m, target, out, plane);
    }
  }

  /**
   * The first {@code count} rows of {@code rows} in offset order, each offset's rows in their
   * order there (pixel order): most lane groups then hold one offset, whose bias is a
   * broadcast rather than a gather.
   */
  private int[] byOffset(int[] rows, int count, long[] offset) {
    int[] start = new int[offsetBias.length / firstWidth + 1];
    for (int i = 0; i < count; i++) {
      start[(int) offset[rows[i]] + 1]++;
    }
    for (int t = 1; t < start.length; t++) {
      start[t] += start[t - 1];
    }
    int[] sorted = new int[count];
    for (int i = 0; i < count; i++) {
      sorted[start[(int) offset[rows[i]]]++] = rows[i];
    }
    return sorted;
  }

  /** Adds lanes [0, m) of an RGB output to their rows' HR pixels. */
  private void addRows(float[] rgb, int[] lane, int m, int[] target, float[] out, int plane) {
    for (int g = 0; g < m; g++) {
      int at = target[lane[g]];
      out[at] += rgb[g];
      out[plane + at] += rgb[SPAN + g];
      out[2 * plane + at] += rgb[2 * SPAN + g];
    }
  }

  /** What to do with one span's output: (outputs, span) values for LR pixels [q, q + n). */
  private interface SpanSink {
    void accept(float[] output, int q, int n, int hrOffset);
  }

  /**
   * The MLP over every sub-pixel offset of every span, a span's offsets one after the other, so
   * that its projected features stay in L1 for all of them.
   */
  private void eachSpan(float[] features, int stride, int k, int scale, int hrWidth,
      SpanSink sink) {
    float[][] scratch = scratch();
    for (int q = 0; q < k; q += SPAN) {
      int n = Math.min(SPAN, k - q);
      for (int t = 0; t < scale * scale; t++) {
        int offset = (t / scale) * hrWidth + t % scale;
        sink.accept(forward(features, stride, q, t, scratch), q, n, offset);
      }
    }
  }

  private void requireOutputs(int n) {
    if (outDim() != n) {
      throw new IllegalStateException("this MLP has " + outDim() + " outputs, not " + n);
    }
  }

  /**
   * Two activation buffers of the widest layer, this thread's: each kernel call (one per chunk)
   * needs a pair (38 KB for the heavy MLP); one pair per pool task of every chunk was 68 MB of
   * zeroed allocation per 2K image.
   */
  private float[][] scratch() {
    return scratch.get();
  }

  private final ThreadLocal<float[][]> scratch;

  /** The MLP on LR pixels [q, q + span) at offset t; returns the buffer holding its output. */
  private float[] forward(float[] features, int stride, int q, int t, float[][] scratch) {
    firstLayer(features, stride, q, t, scratch[0]);
    return laterLayers(scratch);
  }

  /** The layers after the first, from {@code scratch[0]}; returns the buffer holding the output. */
  private float[] laterLayers(float[][] scratch) {
    float[] in = scratch[0];
    float[] res = scratch[1];
    for (int l = 0; l < weights.length; l++) {
      layer(in, 0, SPAN, res, 0, SPAN, weights[l], biases[l], l < weights.length - 1);
      float[] swap = in;
      in = res;
      res = swap;
    }
    return in;
  }

  /** ReLU(projected features + the offset's bias) of LR pixels [q, q + span). */
  private void firstLayer(float[] features, int stride, int q, int t, float[] dst) {
    for (int i = 0; i < firstWidth; i++) {
      float bias = offsetBias[t * firstWidth + i];
      int src = i * stride + q;
      for (int g = 0; g < GROUPS; g++) {
        FloatVector.fromArray(SPECIES, features, src + g * LANES).add(bias)
            .max(0f).intoArray(dst, i * SPAN + g * LANES);
      }
    }
  }

  /**
   * {@link #firstLayer} for the list rows in {@code lane}, of which the first {@code m} are
   * real (the rest repeat the last). A lane group of one offset (its first and last lane's)
   * adds that offset's bias as a broadcast and gathers its features, or loads them whole where
   * it holds consecutive pixels; a group of mixed offsets gathers both. At ADM on a 4K image a
   * group of two gathers per feature took about 95 ns a row (timing patch, nineteenth stop).
   * {@code rowAt} and {@code biasAt} receive the lanes' indexes.
   */
  private void firstLayerGathered(float[] features, int stride, long[] lr, long[] offset,
      int[] lane, int m, float[] dst, int[] rowAt, int[] biasAt) {
    for (int g = 0; g < SPAN; g++) {
      rowAt[g] = (int) lr[lane[g]];
      biasAt[g] = (int) offset[lane[g]] * firstWidth;
    }
    for (int v = 0; v < GROUPS; v++) {
      int first = v * LANES;
      int last = first + LANES - 1;
      int bias = biasAt[first];
      if (bias != biasAt[last]) {
        for (int i = 0; i < firstWidth; i++) {
          FloatVector f = FloatVector.fromArray(SPECIES, features, i * stride, rowAt, first);
          FloatVector b = FloatVector.fromArray(SPECIES, offsetBias, i, biasAt, first);
          f.add(b).max(0f).intoArray(dst, i * SPAN + first);
        }
      } else if (last < m && rowAt[last] - rowAt[first] == LANES - 1) {
        // one offset's rows are of distinct pixels in order: this span of columns is theirs
        int column = rowAt[first];
        for (int i = 0; i < firstWidth; i++) {
          FloatVector.fromArray(SPECIES, features, i * stride + column)
              .add(offsetBias[bias + i]).max(0f).intoArray(dst, i * SPAN + first);
        }
      } else {
        for (int i = 0; i < firstWidth; i++) {
          FloatVector.fromArray(SPECIES, features, i * stride, rowAt, first)
              .add(offsetBias[bias + i]).max(0f).intoArray(dst, i * SPAN + first);
        }
      }
    }
  }

  /**
   * {@link #firstLayer} for lane groups that each hold a group's worth of consecutive offsets of
   * one LR pixel, in order: the pixel's feature broadcast, plus the offsets' biases for that
   * feature, contiguous in {@link #biasByOffset}.
   */
  private void firstLayerWhole(float[] features, int stride, long[] lr, long[] offset,
      int[] lane, float[] dst) {
    int s2 = biasByOffset.length / firstWidth;
    for (int v = 0; v < GROUPS; v++) {
      int pixel = (int) lr[lane[v * LANES]];
      int first = (int) offset[lane[v * LANES]];
      for (int i = 0; i < firstWidth; i++) {
        FloatVector.fromArray(SPECIES, biasByOffset, i * s2 + first)
            .add(features[i * stride + pixel]).max(0f).intoArray(dst, i * SPAN + v * LANES);
      }
    }
  }

  /**
   * {@link #layer}'s outputs in sixes, for 8-float vectors (AVX2), by two lane groups per pass;
   * returns the outputs done (the rest go two at a time). Twelve accumulators: on AVX2 the
   * two-by-four pass keeps eight multiply-adds in flight, as many as two FMA units of latency
   * four can take, and ran the heavy upsampler at half the GEMM's rate on an AMD EPYC (Zen 3);
   * see PERFORMANCE.md. Six outputs by four groups would not fit AVX2's 16 registers.
   */
  private int layerBySix(float[] src, int srcAt, int srcStride, float[] dst, int dstAt,
      int dstStride, float[] w, float[] bias, boolean relu) {
    int out = bias.length;
    int in = w.length / out;
    FloatVector lo = FloatVector.broadcast(SPECIES, relu ? 0f : Float.NEGATIVE_INFINITY);
    int j = 0;
    for (; j + 6 <= out; j += 6) {
      for (int g = 0; g < GROUPS; g += 2) {
        int col = g * LANES;
        FloatVector a0 = FloatVector.broadcast(SPECIES, bias[j + 0]);
        FloatVector b0 = a0;
        FloatVector a1 = FloatVector.broadcast(SPECIES, bias[j + 1]);
        FloatVector b1 = a1;
        FloatVector a2 = FloatVector.broadcast(SPECIES, bias[j + 2]);
        FloatVector b2 = a2;
        FloatVector a3 = FloatVector.broadcast(SPECIES, bias[j + 3]);
        FloatVector b3 = a3;
        FloatVector a4 = FloatVector.broadcast(SPECIES, bias[j + 4]);
        FloatVector b4 = a4;
        FloatVector a5 = FloatVector.broadcast(SPECIES, bias[j + 5]);
        FloatVector b5 = a5;
        int r = j * in;
        // a running index: with i * srcStride, C2 reloaded the stride and multiplied at every
        // step (the features' projection 10 % slower)
        int at = srcAt + col;
        for (int i = 0; i < in; i++, at += srcStride) {
          FloatVector x0 = FloatVector.fromArray(SPECIES, src, at);
          FloatVector x1 = FloatVector.fromArray(SPECIES, src, at + LANES);
          FloatVector v0 = FloatVector.broadcast(SPECIES, w[r + i]);
          a0 = x0.fma(v0, a0);
          b0 = x1.fma(v0, b0);
          FloatVector v1 = FloatVector.broadcast(SPECIES, w[r + in + i]);
          a1 = x0.fma(v1, a1);
          b1 = x1.fma(v1, b1);
          FloatVector v2 = FloatVector.broadcast(SPECIES, w[r + 2 * in + i]);
          a2 = x0.fma(v2, a2);
          b2 = x1.fma(v2, b2);
          FloatVector v3 = FloatVector.broadcast(SPECIES, w[r + 3 * in + i]);
          a3 = x0.fma(v3, a3);
          b3 = x1.fma(v3, b3);
          FloatVector v4 = FloatVector.broadcast(SPECIES, w[r + 4 * in + i]);
          a4 = x0.fma(v4, a4);
          b4 = x1.fma(v4, b4);
          FloatVector v5 = FloatVector.broadcast(SPECIES, w[r + 5 * in + i]);
          a5 = x0.fma(v5, a5);
          b5 = x1.fma(v5, b5);
        }
        int here = dstAt + j * dstStride + col;
        a0.max(lo).intoArray(dst, here + 0 * dstStride);
        b0.max(lo).intoArray(dst, here + 0 * dstStride + LANES);
        a1.max(lo).intoArray(dst, here + 1 * dstStride);
        b1.max(lo).intoArray(dst, here + 1 * dstStride + LANES);
        a2.max(lo).intoArray(dst, here + 2 * dstStride);
        b2.max(lo).intoArray(dst, here + 2 * dstStride + LANES);
        a3.max(lo).intoArray(dst, here + 3 * dstStride);
        b3.max(lo).intoArray(dst, here + 3 * dstStride + LANES);
        a4.max(lo).intoArray(dst, here + 4 * dstStride);
        b4.max(lo).intoArray(dst, here + 4 * dstStride + LANES);
        a5.max(lo).intoArray(dst, here + 5 * dstStride);
        b5.max(lo).intoArray(dst, here + 5 * dstStride + LANES);
      }
    }
    return j;
  }

  /**
   * dst(out, span) = W src(in, span) + b, optionally ReLU'd, for the span of columns at
   * {@code srcAt} and {@code dstAt} of tables whose rows are {@code srcStride} and
   * {@code dstStride} floats apart. Two outputs by four lane groups per pass: each weight
   * broadcast feeds four fused multiply-adds and each input load two, with eight accumulators
   * in registers (measured against two by two and four by two: 45 ms against
   * 50 and 51 for the light MLP of a 2K image, one core). The stores are written out in place:
   * passing the vectors to a helper method made C2 box them, and the engine 3.5x slower.
   */
  private void layer(float[] src, int srcAt, int srcStride, float[] dst, int dstAt,
      int dstStride, float[] w, float[] bias, boolean relu) {
    int out = bias.length; // even (see the constructor)
    int in = w.length / out;
    int j = NARROW ? layerBySix(src, srcAt, srcStride, dst, dstAt, dstStride, w, bias, relu) : 0;
    for (; j < out; j += 2) {
      FloatVector a0 = FloatVector.broadcast(SPECIES, bias[j]);
      FloatVector a1 = a0;
      FloatVector a2 = a0;
      FloatVector a3 = a0;
      FloatVector c0 = FloatVector.broadcast(SPECIES, bias[j + 1]);
      FloatVector c1 = c0;
      FloatVector c2 = c0;
      FloatVector c3 = c0;
      int r0 = j * in;
      int r1 = r0 + in;
      for (int i = 0; i < in; i++) {
        int at = srcAt + i * srcStride;
        FloatVector x0 = FloatVector.fromArray(SPECIES, src, at);
        FloatVector x1 = FloatVector.fromArray(SPECIES, src, at + LANES);
        FloatVector x2 = FloatVector.fromArray(SPECIES, src, at + 2 * LANES);
        FloatVector x3 = FloatVector.fromArray(SPECIES, src, at + 3 * LANES);
        FloatVector v = FloatVector.broadcast(SPECIES, w[r0 + i]);
        a0 = x0.fma(v, a0);
        a1 = x1.fma(v, a1);
        a2 = x2.fma(v, a2);
        a3 = x3.fma(v, a3);
        v = FloatVector.broadcast(SPECIES, w[r1 + i]);
        c0 = x0.fma(v, c0);
        c1 = x1.fma(v, c1);
        c2 = x2.fma(v, c2);
        c3 = x3.fma(v, c3);
      }
      if (relu) {
        a0 = a0.max(0f);
        a1 = a1.max(0f);
        a2 = a2.max(0f);
        a3 = a3.max(0f);
      }
      int here = dstAt + j * dstStride;
      a0.intoArray(dst, here);
      a1.intoArray(dst, here + LANES);
      a2.intoArray(dst, here + 2 * LANES);
      a3.intoArray(dst, here + 3 * LANES);
      int next = here + dstStride;
      if (relu) {
        c0 = c0.max(0f);
        c1 = c1.max(0f);
        c2 = c2.max(0f);
        c3 = c3.max(0f);
      }
      c0.intoArray(dst, next);
      c1.intoArray(dst, next + LANES);
      c2.intoArray(dst, next + 2 * LANES);
      c3.intoArray(dst, next + 3 * LANES);
    }
  }
}
