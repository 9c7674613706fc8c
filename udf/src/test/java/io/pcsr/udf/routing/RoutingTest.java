package io.pcsr.udf.routing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RoutingTest {
  private final Router router = new Router(new double[] {0.3188, 0.6812}, null);

  @Test
  void kZeroIsArgmaxWithTiesToLight() {
    float[] pl = {0.6f, 0.5f, 0.4f};
    float[] ph = {0.4f, 0.5f, 0.6f};
    assertArrayEquals(new byte[] {0, 0, 1}, router.kRule(0, pl, ph));
  }

  @Test
  void largerKSendsMorePixelsLight() {
    float[] pl = {0.45f, 0.35f, 0.25f};
    float[] ph = {0.55f, 0.65f, 0.75f};
    // heavy iff ph/pl > (0.6812/0.3188)^k = 2.137^k
    assertArrayEquals(new byte[] {1, 1, 1}, router.kRule(0, pl, ph));
    assertArrayEquals(new byte[] {0, 0, 1}, router.kRule(1, pl, ph));
    assertArrayEquals(new byte[] {1, 1, 1}, router.kRule(-25, pl, ph));
    assertArrayEquals(new byte[] {0, 0, 0}, router.kRule(25, pl, ph));
  }

  @Test
  void heavyShareTakesTheHardestPixelsWhateverTheirOrder() {
    float[] p = {0.1f, 0.9f, 0.5f, 0.5f, 0.3f};
    assertArrayEquals(new byte[] {0, 1, 1, 1, 0}, Router.topShare(p, 0.4)); // ties at the cut go heavy
    assertArrayEquals(new byte[] {0, 1, 0, 0, 0}, Router.topShare(p, 0.2));
    assertArrayEquals(new byte[] {0, 0, 0, 0, 0}, Router.topShare(p, 0));
    assertArrayEquals(new byte[] {1, 1, 1, 1, 1}, Router.topShare(p, 1));
  }

  @Test
  void twoMeansSplitsTwoClustersAndCallsTheLowOneLight() {
    float[] p = {0.05f, 0.1f, 0.08f, 0.9f, 0.95f, 0.12f, 0.85f};
    assertArrayEquals(new byte[] {0, 0, 0, 1, 1, 0, 1}, TwoMeans.classify(p));
    assertArrayEquals(new byte[3], TwoMeans.classify(new float[] {0.4f, 0.4f, 0.4f}));
  }

  @Test
  void twoMeansOverSortedBucketsFindsTheSameClustersAsFullPasses() {
    java.util.Random r = new java.util.Random(5);
    for (int trial = 0; trial < 40; trial++) {
      int n = 1 + r.nextInt(trial < 20 ? 300 : 200_000);
      float[] a = new float[n / 2];
      float[] b = new float[n - a.length];
      for (float[] part : new float[][] {a, b}) {
        for (int i = 0; i < part.length; i++) {
          part[i] = switch (trial % 4) {
            // two clusters, like a classifier's output
            case 0 -> r.nextInt(5) == 0 ? 0.7f + 0.3f * r.nextFloat() : 0.2f * r.nextFloat();
            case 1 -> r.nextFloat();
            // few distinct values: many exact ties at every boundary
            case 2 -> r.nextInt(7) / 6f;
            // squeezed into a tiny range, so the band covers everything
            default -> 0.5f + 1e-6f * r.nextFloat();
          };
        }
      }
      java.util.List<float[]> parts = java.util.List.of(a, b);
      RoutingRule.TwoMeansAssignment passes = TwoMeans.fit(parts, 0);
      RoutingRule.TwoMeansAssignment sorted = TwoMeans.fit(parts, Long.MAX_VALUE);
      assertEquals(passes, sorted, "trial " + trial + ", " + n + " values");
      assertArrayEquals(passes.apply(null, a), sorted.apply(null, a));
      // the passes in parallel pieces (as on a GPU): the same rule, the same flags
      RoutingRule.TwoMeansAssignment pieces = TwoMeans.fit(parts, Long.MAX_VALUE, true);
      assertEquals(sorted, pieces, "parallel, trial " + trial + ", " + n + " values");
      assertArrayEquals(sorted.apply(null, b), pieces.apply(null, b, true));
    }
  }

  @Test
  void rulesAppliedInParallelPiecesGiveTheSameFlags() {
    java.util.Random r = new java.util.Random(9);
    int n = 3 * RoutingRule.PIECE + 123;
    float[] pLight = new float[n];
    float[] pHeavy = new float[n];
    for (int i = 0; i < n; i++) {
      pHeavy[i] = r.nextFloat();
      pLight[i] = 1 - pHeavy[i];
    }
    Router router = new Router(new double[] {0.2, 1.0}, null);
    for (RoutingRule rule : new RoutingRule[] {router.ratio(0), new RoutingRule.Threshold(0.7f),
        TwoMeans.fit(java.util.List.of(pHeavy))}) {
      byte[] one = rule.apply(pLight, pHeavy);
      byte[] pieces = rule.apply(pLight, pHeavy, true);
      assertArrayEquals(one, pieces, rule.toString());
      int heavy = 0;
      for (byte f : one) {
        heavy += f;
      }
      assertTrue(heavy > 0 && heavy < n, rule + ": both classes");
    }
  }

  @Test
  void radixSelectGivesTheValueASortGives() {
    java.util.Random r = new java.util.Random(8);
    for (int trial = 0; trial < 30; trial++) {
      int n = 1 + r.nextInt(5000);
      float[] a = new float[n];
      for (int i = 0; i < n; i++) {
        a[i] = switch (r.nextInt(4)) {
          case 0 -> (float) r.nextGaussian() * 100;
          case 1 -> r.nextBoolean() ? 0f : -0f;
          case 2 -> r.nextInt(3) - 1;
          default -> r.nextFloat();
        };
      }
      float[] sorted = a.clone();
      java.util.Arrays.sort(sorted);
      float[] first = java.util.Arrays.copyOf(a, n / 3);
      float[] rest = java.util.Arrays.copyOfRange(a, n / 3, n);
      int rank = r.nextInt(n);
      assertEquals(Float.floatToIntBits(sorted[rank]), Float.floatToIntBits(
          Router.kthSmallest(java.util.List.of(first, rest), rank)), "rank " + rank);
    }
  }

  @Test
  void refinementAveragesLightPixelsNextToHeavyOnesButNeverTheBorder() {
    int h = 4;
    int w = 4;
    float[] img = new float[h * w];
    for (int i = 0; i < img.length; i++) {
      img[i] = i;
    }
    byte[] heavy = new byte[h * w];
    heavy[0] = 1; // corner heavy: only (1,1) is an interior light neighbour
    Refinement.apply(img, heavy, h, w);
    float mean = (0 + 1 + 2 + 4 + 5 + 6 + 8 + 9 + 10) / 9f;
    assertEquals(mean, img[5], 1e-6);
    assertEquals(1f, img[1]); // border row untouched
    assertEquals(10f, img[10]); // (2,2) has no heavy neighbour
  }

  /** Sequential, and in parallel bands of 32 rows: one band, a band and a row, several. */
  @org.junit.jupiter.params.ParameterizedTest(name = "h={0} parallel={1}")
  @org.junit.jupiter.params.provider.CsvSource({"37, false", "37, true", "34, true", "35, true",
      "100, true"})
  void rowByRowRefinementIsBitIdenticalToTheDirect3x3Mean(int h, boolean parallel) {
    java.util.Random r = new java.util.Random(11);
    int w = 53;
    float[] img = new float[3 * h * w];
    for (int i = 0; i < img.length; i++) {
      img[i] = r.nextFloat() * 2 - 0.5f;
    }
    byte[] heavy = new byte[h * w];
    for (int i = 0; i < heavy.length; i++) {
      heavy[i] = (byte) (r.nextInt(5) == 0 ? 1 : 0);
    }
    float[] expected = img.clone();
    int plane = h * w;
    for (int y = 1; y < h - 1; y++) {
      for (int x = 1; x < w - 1; x++) {
        int at = y * w + x;
        boolean near = false;
        for (int dy = -1; dy <= 1; dy++) {
          for (int dx = -1; dx <= 1; dx++) {
            near |= heavy[at + dy * w + dx] != 0;
          }
        }
        if (heavy[at] != 0 || !near) {
          continue;
        }
        for (int c = 0; c < 3; c++) {
          int o = c * plane + at;
          float sum = 0f;
          for (int dy = -w; dy <= w; dy += w) {
            sum += img[o + dy - 1] + img[o + dy] + img[o + dy + 1]; // unrefined values
          }
          expected[o] = sum / 9f;
        }
      }
    }
    Refinement.apply(img, heavy, h, w, parallel);
    assertArrayEquals(expected, img);
  }

  @Test
  void parsesPolicies() {
    assertEquals(new RoutingPolicy.KRule(0.5), RoutingPolicy.parse("k=0.5"));
    assertEquals(new RoutingPolicy.Adaptive(), RoutingPolicy.parse("adaptive"));
    assertEquals(new RoutingPolicy.HeavyShare(0.25), RoutingPolicy.parse("heavy-share=0.25"));
    assertEquals(new RoutingPolicy.FlopBudget(40), RoutingPolicy.parse("flops=40"));
    assertThrows(IllegalArgumentException.class, () -> RoutingPolicy.parse("fast"));
    assertThrows(IllegalArgumentException.class, () -> RoutingPolicy.parse("heavy-share=2"));
  }
}
