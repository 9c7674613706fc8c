package io.pcsr.udf.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

/**
 * The rate of each kind of convolution in CARN-M's host backbone ({@link PlanarConv}), timed
 * alone on one thread at a given image size, with seeded random weights and inputs: which
 * kernel is farthest from the machine's limit, without a profiler. {@code bench
 * --backbone-kernels} prints them.
 *
 * <p>The kinds are the backbone's: its entry convolution, the grouped 3x3 that starts a
 * residual block, a residual block (two grouped 3x3 and a 1x1 with the residual, in turns row
 * by row, as {@link CarnOnHost} runs them), and the cascade steps' 1x1 over 2, 3 and 4 inputs.
 * The inputs are whole feature maps, as the backbone reads them (from memory when the image is
 * large).
 */
public final class ConvKernelRates {
  /** CARN-M's channels. */
  private static final int CHANNELS = 52;
  /** CARN-M's groups in a residual block's 3x3 convolutions. */
  private static final int GROUPS = 4;

  private ConvKernelRates() {}

  /**
   * One kind's best round.
   *
   * @param macsPerPixel useful multiply-adds per pixel (what the GFLOP/s count, times two)
   */
  public record Rate(String kind, long macsPerPixel, double bestSeconds, double gflops) {}

  /** Whether this JVM runs the host kernels (AVX-512 or AVX2). */
  public static boolean supported() {
    return PlanarConv.supported();
  }

  /**
   * Each kind's best of {@code rounds} on an image of {@code height} x {@code width} pixels, on
   * the calling thread; the kinds take turns round by round.
   */
  public static List<Rate> measure(int height, int width, int rounds) {
    if (height < 1 || width < 1 || rounds < 1) {
      throw new IllegalArgumentException("need a positive size and round count, got "
          + height + "x" + width + ", " + rounds + " rounds");
    }
    if (!supported()) {
      throw new IllegalStateException("the host kernels need 256-bit or wider vectors here");
    }
    Random rnd = new Random(20);
    int c = CHANNELS;
    int perGroup = c / GROUPS;
    PlanarConv entry = conv(rnd, c * 3 * 9, new int[] {3}, 1, 3);
    PlanarConv grouped = conv(rnd, c * perGroup * 9, new int[] {c}, GROUPS, 3);
    PlanarConv pointwise = conv(rnd, c * c, new int[] {c}, 1, 1);
    PlanarConv overTwo = conv(rnd, c * c * 2, new int[] {c, c}, 1, 1);
    PlanarConv overThree = conv(rnd, c * c * 3, new int[] {c, c, c}, 1, 1);
    PlanarConv overFour = conv(rnd, c * c * 4, new int[] {c, c, c, c}, 1, 1);
    // a residual block's own code (its cascade is not run here)
    CarnOnHost.Block block = new CarnOnHost.Block(grouped, grouped, pointwise, null);
    ChannelRows image = filled(rnd, 3, height, width);
    ChannelRows[] maps = new ChannelRows[4];
    for (int i = 0; i < maps.length; i++) {
      maps[i] = filled(rnd, c, height, width);
    }
    RowsPool pool = new RowsPool();
    List<Kind> kinds = List.of(
        new Kind("entry 3x3 3->52", c * 3 * 9L,
            () -> entry.apply(new ChannelRows[] {image}, null, pool, false)),
        new Kind("grouped 3x3 52->52, 4 groups", c * perGroup * 9L,
            () -> grouped.apply(new ChannelRows[] {maps[0]}, null, pool, false)),
        new Kind("residual block (two grouped 3x3, 1x1 with residual, in turns)",
            2L * c * perGroup * 9 + (long) c * c, () -> block.residual(maps[0], pool, false)),
        new Kind("1x1 over 2 x 52 (cascade step)", 2L * c * c,
            () -> overTwo.apply(new ChannelRows[] {maps[0], maps[1]}, null, pool, false)),
        new Kind("1x1 over 3 x 52 (cascade step)", 3L * c * c,
            () -> overThree.apply(new ChannelRows[] {maps[0], maps[1], maps[2]}, null, pool,
                false)),
        new Kind("1x1 over 4 x 52 (cascade step)", 4L * c * c,
            () -> overFour.apply(maps, null, pool, false)));
    double[] best = new double[kinds.size()];
    java.util.Arrays.fill(best, Double.POSITIVE_INFINITY);
    for (int round = 0; round < rounds; round++) {
      for (int k = 0; k < kinds.size(); k++) {
        long t0 = System.nanoTime();
        ChannelRows out = kinds.get(k).run().get();
        best[k] = Math.min(best[k], (System.nanoTime() - t0) / 1e9);
        pool.give(out);
      }
    }
    List<Rate> rates = new ArrayList<>();
    double pixels = (double) height * width;
    for (int k = 0; k < kinds.size(); k++) {
      Kind kind = kinds.get(k);
      rates.add(new Rate(kind.name(), kind.macs(), best[k],
          2 * kind.macs() * pixels / best[k] / 1e9));
    }
    return rates;
  }

  /** A kind of convolution: its name, useful multiply-adds per pixel, and one run of it. */
  private record Kind(String name, long macs, Supplier<ChannelRows> run) {}

  private static PlanarConv conv(Random rnd, int weights, int[] inputs, int groups, int k) {
    return new PlanarConv(gaussian(rnd, weights, 0.1f), gaussian(rnd, CHANNELS, 0.1f), CHANNELS,
        inputs, groups, k, true);
  }

  private static ChannelRows filled(Random rnd, int channels, int height, int width) {
    ChannelRows x = new ChannelRows(1, channels, height, width);
    for (int y = 0; y < height; y++) {
      for (int ch = 0; ch < channels; ch++) {
        int at = x.at(0, ch, y);
        for (int i = 0; i < width; i++) {
          x.data()[at + i] = (float) rnd.nextGaussian();
        }
      }
    }
    return x;
  }

  private static float[] gaussian(Random rnd, int n, float scale) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) rnd.nextGaussian() * scale;
    }
    return a;
  }
}
