package io.pcsr.udf.model;

import ai.djl.ndarray.NDArray;
import io.pcsr.udf.concurrent.HostLoops;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;

/**
 * CARN-M's whole backbone on the JVM's SIMD units: every convolution a {@link PlanarConv} over
 * {@link ChannelRows}, with the biases, residuals and ReLUs in the same passes. The input
 * image and the output features cross into and out of libtorch's channels-last tensors once
 * each.
 *
 * <p>Same network and order as {@link CarnBackbone}'s libtorch path: the entry 3x3
 * convolution, three blocks and the outer cascade, where step i is one convolution over the
 * whole stack cat(c0, u_1, ..., u_i) (its inputs are the stack's tensors, never copied into
 * one).
 */
final class CarnOnHost {
  private final PlanarConv entry;
  private final Cascade outer;
  private final List<Block> blocks;

  private CarnOnHost(PlanarConv entry, Cascade outer, List<Block> blocks) {
    this.entry = entry;
    this.outer = outer;
    this.blocks = blocks;
  }

  /**
   * Whether the kernels run this shape here: channels and groups in blocks of 13, and AVX-512
   * or AVX2.
   */
  static boolean supports(int nf, int groups) {
    return nf % groups == 0 && (nf / groups) % PlanarConv.BLOCK == 0 && PlanarConv.supported();
  }

  /**
   * Feature maps a pass holds at once, at most: the outer cascade's input and two block
   * outputs, a block's input, its residual blocks' three outputs and two step outputs (see
   * {@link RowsPool}), and one to spare.
   */
  private static final int PEAK_MAPS = 10;

  /** Java heap a pass over one h x w image holds at its peak: its feature maps. */
  static long peakBytes(int nf, int h, int w) {
    return PEAK_MAPS * Float.BYTES * (long) nf * (h + 2) * ChannelRows.runLength(w);
  }

  /** (N, h, w, 3) float32 CPU tensor -> (N, h, w, nf) features, a new tensor of its manager. */
  NDArray features(NDArray lrNhwc, boolean parallel) {
    return rows(lrNhwc, parallel).toNhwc(lrNhwc.getManager());
  }

  /** The rectangle (y0, x0, h, w) of image 0's features, channel by channel, for the host MLPs. */
  PlanarFeatures planarFeatures(NDArray lrNhwc, boolean parallel, int y0, int x0, int h, int w) {
    return PlanarFeatures.fromChannelRows(rows(lrNhwc, parallel), y0, x0, h, w);
  }

  private ChannelRows rows(NDArray lrNhwc, boolean parallel) {
    RowsPool pool = new RowsPool();
    ChannelRows image = ChannelRows.fromNhwc(lrNhwc, pool);
    ChannelRows c0 = entry.apply(new ChannelRows[] {image}, null, pool, parallel);
    return outer.run(c0, blocks, pool, parallel);
  }

  /** A unit applied inside a cascade: a block at the top level, a residual block inside one. */
  interface Unit {
    /** A new tensor from {@code pool}; x stays the caller's. */
    ChannelRows apply(ChannelRows x, RowsPool pool, boolean parallel);
  }

  /**
   * o_i = step_i(cat(c0, u_1, ..., u_i)) with u_{i+1} = unit_{i+1}(o_i); returns o_3. Gives back
   * to the pool every tensor it made but o_3; c0 stays the caller's.
   */
  static final class Cascade {
    private final PlanarConv[] steps;

    Cascade(PlanarConv[] steps) {
      this.steps = steps;
    }

    ChannelRows run(ChannelRows c0, List<? extends Unit> units, RowsPool pool,
        boolean parallel) {
      List<ChannelRows> stack = new ArrayList<>();
      stack.add(c0);
      ChannelRows o = c0;
      for (int i = 0; i < steps.length; i++) {
        stack.add(units.get(i).apply(o, pool, parallel));
        if (o != c0) {
          pool.give(o);
        }
        o = steps[i].apply(stack.toArray(ChannelRows[]::new), null, pool, parallel);
      }
      stack.subList(1, stack.size()).forEach(pool::give);
      return o;
    }
  }

  /** A CARN-M block: its residual block used three times in a cascade. */
  static final class Block implements Unit {
    /**
     * Rows per band, about, when split over threads: each band computes two rows of the first
     * convolution again (about 2 % more work at 32), and the bands are claimed one at a time.
     */
    private static final int BAND_ROWS = 32;
    private final PlanarConv first;
    private final PlanarConv second;
    private final PlanarConv tail;
    private final Cascade cascade;

    Block(PlanarConv first, PlanarConv second, PlanarConv tail, Cascade cascade) {
      this.first = first;
      this.second = second;
      this.tail = tail;
      this.cascade = cascade;
    }

    @Override public ChannelRows apply(ChannelRows x, RowsPool pool, boolean parallel) {
      Unit residual = this::residual;
      return cascade.run(x, List.of(residual, residual, residual), pool, parallel);
    }

    /**
     * relu(conv1x1(relu(gconv(relu(gconv(x))))) + x). The three convolutions take turns row by
     * row: row r of the first, row r - 1 of the second and of the 1x1, so that each reads rows
     * the previous one wrote moments before, from the cache. The first's result needs only a
     * ring of three rows; the second's goes to the 1x1 a strip of pixels at a time
     * ({@link PlanarConv#rowThen}) and is never stored as a row. One after the other, each
     * read its whole input back from memory: a 2K backbone took 778-858 ms that way against
     * 762-807 ms in turns with whole intermediate tensors (alternating, one process), and
     * 770-782 ms against 735 ms with whole tensors against rings (two more such processes).
     * Split over threads, each thread takes bands of rows the same way, computing the first
     * convolution's row on either side of its band again; every output row is the same sum
     * either way.
     */
    ChannelRows residual(ChannelRows x, RowsPool pool, boolean parallel) {
      int n = x.images();
      int h = x.height();
      ChannelRows out = pool.take(n, x.channels(), h, x.width());
      int bands = parallel ? bands(h, ForkJoinPool.getCommonPoolParallelism() + 1) : 1;
      HostLoops.forEachClaimed(n * bands, parallel, i -> {
        int b = i % bands;
        residualRows(x, out, i / bands, bandStart(h, bands, b), bandStart(h, bands, b + 1));
      });
      return out;
    }

    /**
     * Bands of an image of h rows for {@code workers} threads: bands of about
     * {@link #BAND_ROWS} rows, as many as a whole number per thread (at most h). At 9 bands of
     * 32 rows (a 2K image's 276), one of two threads took 5 and the other 4, and waited a
     * band's time at the end of each of the 27 residual blocks.
     */
    static int bands(int h, int workers) {
      int bands = (h + BAND_ROWS - 1) / BAND_ROWS;
      return Math.max(1, Math.min(h, (bands + workers - 1) / workers * workers));
    }

    /** First row of band b of {@code bands} over h rows: sizes differ by one row at most. */
    static int bandStart(int h, int bands, int b) {
      return (int) ((long) b * h / bands);
    }

    /** Output rows [b0, b1) of one image. */
    private void residualRows(ChannelRows x, ChannelRows out, int image, int b0, int b1) {
      int n = x.images();
      int h = x.height();
      int w = x.width();
      // the second convolution reads three rows of the first's; the 1x1 takes the second's
      // output a strip at a time
      ChannelRows h1 = ChannelRows.ring(3, n, x.channels(), h, w);
      ChannelRows[] fromX = {x};
      ChannelRows[] fromH1 = {h1};
      PlanarConv.Scratch s1 = first.scratch(w);
      PlanarConv.Scratch s2 = second.scratch(w);
      PlanarConv.Scratch s3 = tail.stripScratch();
      // the first convolution's rows b0 - 1 .. b1 (those inside the image; the ring reads
      // zeros for the others), the second's and the 1x1's one row behind
      for (int r = Math.max(0, b0 - 1); r <= b1; r++) {
        if (r < h) {
          first.row(fromX, null, h1, image, r, s1);
        }
        if (r - 1 >= b0) {
          second.rowThen(fromH1, tail, x, out, image, r - 1, s2, s3);
        }
      }
    }
  }

  /** Builds the host path from the libtorch path's weights (copied once, per model). */
  static final class Builder {
    private final int nf;
    private final int groups;
    private PlanarConv entry;
    private final List<Block> blocks = new ArrayList<>();

    Builder(int nf, int groups) {
      this.nf = nf;
      this.groups = groups;
    }

    Builder entry(NDArray weight, NDArray bias) {
      entry = new PlanarConv(weight.toFloatArray(), bias.toFloatArray(), nf, new int[] {3}, 1,
          3, false);
      return this;
    }

    /** A residual block's convolutions and its cascade's steps. */
    Builder block(NDArray w0, NDArray b0, NDArray w2, NDArray b2, NDArray w4, NDArray b4,
        NDArray[][] stepWeights, NDArray[] stepBiases) {
      int[] one = {nf};
      blocks.add(new Block(
          new PlanarConv(w0.toFloatArray(), b0.toFloatArray(), nf, one, groups, 3, true),
          new PlanarConv(w2.toFloatArray(), b2.toFloatArray(), nf, one, groups, 3, true),
          new PlanarConv(w4.toFloatArray(), b4.toFloatArray(), nf, one, 1, 1, true),
          cascade(stepWeights, stepBiases)));
      return this;
    }

    CarnOnHost build(NDArray[][] outerWeights, NDArray[] outerBiases) {
      return new CarnOnHost(entry, cascade(outerWeights, outerBiases), List.copyOf(blocks));
    }

    /** Step i's column blocks joined into one (nf, parts * nf) weight. */
    private Cascade cascade(NDArray[][] weights, NDArray[] biases) {
      PlanarConv[] steps = new PlanarConv[weights.length];
      for (int i = 0; i < steps.length; i++) {
        int parts = weights[i].length;
        float[] joined = new float[nf * parts * nf];
        int[] inputs = new int[parts];
        for (int j = 0; j < parts; j++) {
          float[] block = weights[i][j].toFloatArray();
          for (int o = 0; o < nf; o++) {
            System.arraycopy(block, o * nf, joined, (o * parts + j) * nf, nf);
          }
          inputs[j] = nf;
        }
        steps[i] = new PlanarConv(joined, biases[i].toFloatArray(), nf, inputs, 1, 1, true);
      }
      return new Cascade(steps);
    }
  }
}
