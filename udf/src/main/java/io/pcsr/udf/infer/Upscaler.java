package io.pcsr.udf.infer;

import io.pcsr.udf.cost.PcsrCost;
import io.pcsr.udf.image.FloatImage;
import io.pcsr.udf.model.LayerCost;
import io.pcsr.udf.routing.Router;
import io.pcsr.udf.routing.RoutingPolicy;
import java.util.ArrayList;
import java.util.List;

/**
 * Whole images through PCSR on one JVM: either the whole LR at once (image mode, no seams, the
 * backbone sees all context) or the paper's protocol (patch mode: 32x32 LR patches at stride 28
 * after a top-left crop to that grid, each patch routed and refined alone, overlaps averaged).
 */
public final class Upscaler {
  public static final int PAPER_PATCH = 32;
  public static final int PAPER_STEP = 28;

  private final PcsrEngine engine;
  private final Router router;
  private final PcsrCost cost;

  public Upscaler(PcsrEngine engine) {
    this.engine = engine;
    this.cost = PcsrCost.of(engine.model(), engine.scale());
    this.router = new Router(engine.model().routingCost(engine.scale()), cost);
  }

  public PcsrCost cost() { return cost; }

  public Router router() { return router; }

  public PcsrEngine engine() { return engine; }

  /** Image mode. */
  public SrResult upscale(FloatImage lr, RoutingPolicy policy, boolean refine) {
    long t0 = System.nanoTime();
    try (Classified c = engine.classify(lr, LrRegion.whole(lr.height(), lr.width()))) {
      long r0 = System.nanoTime();
      byte[] flags = router.route(policy, c.pLight(), c.pHeavy());
      long routing = System.nanoTime() - r0;
      Upsampled up = engine.upsample(c, flags, refine);
      float[] share = new float[flags.length];
      for (int i = 0; i < flags.length; i++) {
        share[i] = flags[i];
      }
      LayerCost flops = cost.image((long) lr.height() * lr.width(), up.heavyPixels());
      return new SrResult(up.image(), share, c.pHeavy(), up.heavyPixels(), flags.length, flops,
          System.nanoTime() - t0, new SrResult.StageNanos(c.encodeNanos(), c.classifyNanos(),
              routing, up.upsampleNanos()));
    }
  }

  /** The LR size the paper's patch grid covers (the rest is dropped, as the official code does). */
  public static int patchGridExtent(int size) {
    if (size < PAPER_PATCH) {
      throw new IllegalArgumentException("patch mode needs at least " + PAPER_PATCH
          + " LR pixels per side, got " + size);
    }
    return ((size - PAPER_PATCH + PAPER_STEP) / PAPER_STEP - 1) * PAPER_STEP + PAPER_PATCH;
  }

  /** Patch mode (the paper's evaluation protocol). Per-image policies decide over all patches. */
  public SrResult upscalePatches(FloatImage lrFull, RoutingPolicy policy, boolean refine) {
    long t0 = System.nanoTime();
    int h = patchGridExtent(lrFull.height());
    int w = patchGridExtent(lrFull.width());
    FloatImage lr = lrFull.crop(0, 0, h, w);
    int s = engine.scale();
    int hp = PAPER_PATCH * s;
    int hrW = w * s;
    int hrH = h * s;
    float[] sum = new float[3 * hrH * hrW];
    float[] heavySum = new float[hrH * hrW];
    float[] pSum = new float[hrH * hrW];
    int[] count = new int[hrH * hrW];
    List<int[]> origins = new ArrayList<>();
    for (int y = 0; y + PAPER_PATCH <= h; y += PAPER_STEP) {
      for (int x = 0; x + PAPER_PATCH <= w; x += PAPER_STEP) {
        origins.add(new int[] {y, x});
      }
    }
    List<Classified> classified = new ArrayList<>();
    try {
      for (int[] o : origins) {
        classified.add(engine.classify(lr.crop(o[0], o[1], PAPER_PATCH, PAPER_PATCH),
            LrRegion.whole(PAPER_PATCH, PAPER_PATCH)));
      }
      long r0 = System.nanoTime();
      List<byte[]> flags = routeAll(policy, classified);
      SrResult.StageNanos stages = new SrResult.StageNanos(0, 0, System.nanoTime() - r0, 0);
      long heavy = 0;
      for (int i = 0; i < origins.size(); i++) {
        Upsampled up = engine.upsample(classified.get(i), flags.get(i), refine);
        stages = stages.plus(new SrResult.StageNanos(classified.get(i).encodeNanos(),
            classified.get(i).classifyNanos(), 0, up.upsampleNanos()));
        heavy += up.heavyPixels();
        accumulate(up, classified.get(i).pHeavy(), origins.get(i), s, hp, hrH, hrW, sum, heavySum, pSum, count);
        classified.get(i).close();
      }
      float[] out = new float[sum.length];
      float[] share = new float[heavySum.length];
      float[] p = new float[pSum.length];
      int plane = hrH * hrW;
      for (int i = 0; i < plane; i++) {
        float n = count[i];
        for (int c = 0; c < 3; c++) {
          out[c * plane + i] = sum[c * plane + i] / n;
        }
        share[i] = heavySum[i] / n;
        p[i] = pSum[i] / n;
      }
      long decisions = (long) origins.size() * hp * hp;
      LayerCost flops = LayerCost.ZERO;
      for (byte[] f : flags) {
        long hv = 0;
        for (byte b : f) {
          hv += b;
        }
        flops = flops.plus(cost.image((long) PAPER_PATCH * PAPER_PATCH, hv));
      }
      return new SrResult(new FloatImage(3, hrH, hrW, out), share, p, heavy, decisions, flops,
          System.nanoTime() - t0, stages);
    } finally {
      classified.forEach(Classified::close);
    }
  }

  private List<byte[]> routeAll(RoutingPolicy policy, List<Classified> patches) {
    List<byte[]> flags = new ArrayList<>();
    if (!policy.perImage()) {
      for (Classified c : patches) {
        flags.add(router.route(policy, c.pLight(), c.pHeavy()));
      }
      return flags;
    }
    int per = patches.isEmpty() ? 0 : patches.get(0).pHeavy().length;
    float[] pl = new float[per * patches.size()];
    float[] ph = new float[per * patches.size()];
    for (int i = 0; i < patches.size(); i++) {
      System.arraycopy(patches.get(i).pLight(), 0, pl, i * per, per);
      System.arraycopy(patches.get(i).pHeavy(), 0, ph, i * per, per);
    }
    byte[] all = router.route(policy, pl, ph);
    for (int i = 0; i < patches.size(); i++) {
      flags.add(java.util.Arrays.copyOfRange(all, i * per, (i + 1) * per));
    }
    return flags;
  }

  private static void accumulate(Upsampled up, float[] pHeavy, int[] origin, int s, int hp,
      int hrH, int hrW, float[] sum, float[] heavySum, float[] pSum, int[] count) {
    float[] img = up.image().data();
    int plane = hrH * hrW;
    int patchPlane = hp * hp;
    int oy = origin[0] * s;
    int ox = origin[1] * s;
    for (int y = 0; y < hp; y++) {
      for (int x = 0; x < hp; x++) {
        int src = y * hp + x;
        int dst = (oy + y) * hrW + ox + x;
        for (int c = 0; c < 3; c++) {
          sum[c * plane + dst] += img[c * patchPlane + src];
        }
        heavySum[dst] += up.heavyFlags()[src];
        pSum[dst] += pHeavy[src];
        count[dst]++;
      }
    }
  }
}
