package io.pcsr.udf.infer;

import io.pcsr.udf.cost.PcsrCost;
import io.pcsr.udf.image.FloatImage;
import io.pcsr.udf.routing.Router;
import io.pcsr.udf.routing.RoutingPolicy;
import io.pcsr.udf.routing.RoutingRule;
import io.pcsr.udf.tiling.Box;
import io.pcsr.udf.tiling.Tile;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the tiles of one image through the engine: each tile's input (core + halo) through the
 * backbone, the classifier over its region, one routing rule for the whole image, the chosen
 * upsamplers, and the core of the result cut out. Per-pixel policies (k) route each tile alone;
 * per-image policies (ADM, budgets) are fitted on the cores of all the image's tiles first, so
 * a tiled image routes exactly as the whole image does.
 */
public final class TileProcessor {
  private final PcsrEngine engine;
  private final RoutingPolicy policy;
  private final boolean refine;
  private final Router router;
  private final PcsrCost cost;

  public TileProcessor(PcsrEngine engine, RoutingPolicy policy, boolean refine) {
    this.engine = engine;
    this.policy = policy;
    this.refine = refine;
    this.cost = PcsrCost.of(engine.model(), engine.scale());
    this.router = new Router(engine.model().routingCost(engine.scale()), cost);
  }

  public PcsrCost cost() { return cost; }

  /** A tile and the LR pixels of its input box, [0,1] RGB. */
  public record TileInput(Tile tile, FloatImage pixels) {}

  /**
   * The HR core of a tile.
   *
   * @param rgb planar 3 x (core HR), [0,1] space, unclamped
   * @param heavy class per core HR pixel
   * @param pHeavy classifier probability per core HR pixel
   */
  public record TileOutput(Tile tile, int scale, float[] rgb, byte[] heavy, float[] pHeavy,
      long heavyPixels, double flopsPaper, double flopsExecuted, SrResult.StageNanos nanos) {
    public Box hrBox() { return tile.core().scaled(scale); }

    /** p_heavy averaged over each core LR pixel's s x s output pixels, row-major. */
    public float[] pHeavyPerLrPixel() {
      int w = tile.core().width();
      int h = tile.core().height();
      float[] mean = new float[h * w];
      for (int y = 0; y < h * scale; y++) {
        int row = (y / scale) * w;
        int from = y * w * scale;
        for (int lx = 0; lx < w; lx++) {
          for (int k = 0; k < scale; k++) { // same order as x = 0..w*s-1, without a division each
            mean[row + lx] += pHeavy[from + lx * scale + k];
          }
        }
      }
      for (int i = 0; i < mean.length; i++) {
        mean[i] /= scale * scale;
      }
      return mean;
    }
  }

  /** All tiles of one image (per-image policies need them together; k works on any subset). */
  public List<TileOutput> process(List<TileInput> tiles) {
    List<TileOutput> out = new ArrayList<>();
    process(tiles, out::add);
    return out;
  }

  /**
   * As {@link #process(List)}, handing each tile's output over as soon as it exists, so that a
   * caller that converts and drops it never holds a whole image's float results.
   */
  public void process(List<TileInput> tiles, java.util.function.Consumer<TileOutput> sink) {
    if (!policy.perImage()) {
      RoutingRule rule = router.decide(policy, List.of(), List.of());
      for (TileInput t : tiles) {
        try (Classified c = classify(t)) {
          sink.accept(finish(t, c, rule, 0));
        }
      }
      return;
    }
    List<Classified> classified = new ArrayList<>();
    try {
      List<float[]> pHeavy = new ArrayList<>();
      for (TileInput t : tiles) {
        Classified c = classify(t);
        c.dropLightProbabilities();
        classified.add(c);
        Box core = coreInRegion(t.tile()).scaled(engine.scale());
        pHeavy.add(cropPlane(c.pHeavy(), c.hrWidth(), core));
      }
      long r0 = System.nanoTime();
      RoutingRule rule = router.decide(policy, List.of(), pHeavy, engine.hostLoopsParallel());
      pHeavy.clear();
      long routing = (System.nanoTime() - r0) / Math.max(1, tiles.size());
      for (int i = 0; i < tiles.size(); i++) {
        sink.accept(finish(tiles.get(i), classified.get(i), rule, routing));
        classified.get(i).close();
      }
    } finally {
      classified.forEach(Classified::close);
    }
  }

  private Classified classify(TileInput t) {
    return engine.classify(t.pixels(), region(t.tile()));
  }

  private static LrRegion region(Tile tile) {
    Box r = tile.region().relativeTo(tile.input());
    return new LrRegion(r.y(), r.x(), r.height(), r.width());
  }

  private static Box coreInRegion(Tile tile) {
    return tile.core().relativeTo(tile.region());
  }

  private TileOutput finish(TileInput t, Classified c, RoutingRule rule, long routingNanos) {
    long r0 = System.nanoTime();
    byte[] flags = rule.apply(c.pLight(), c.pHeavy(), engine.hostLoopsParallel());
    routingNanos += System.nanoTime() - r0;
    Upsampled up = engine.upsample(c, flags, refine);
    int s = engine.scale();
    Box core = coreInRegion(t.tile()).scaled(s);
    int w = c.hrWidth();
    float[] rgb = new float[3 * core.height() * core.width()];
    float[] src = up.image().data();
    int plane = c.hrHeight() * w;
    int corePlane = core.height() * core.width();
    for (int ch = 0; ch < 3; ch++) {
      for (int y = 0; y < core.height(); y++) {
        System.arraycopy(src, ch * plane + (core.y() + y) * w + core.x(), rgb,
            ch * corePlane + y * core.width(), core.width());
      }
    }
    byte[] heavy = cropBytes(flags, w, core);
    long heavyCore = 0;
    for (byte b : heavy) {
      heavyCore += b;
    }
    long coreLr = t.tile().core().pixels();
    double paper = cost.image(coreLr, heavyCore).paper();
    double executed = cost.executed(t.tile().input().pixels(), t.tile().region().pixels(),
        up.lightRowsExecuted(), up.heavyPixels());
    return new TileOutput(t.tile(), s, rgb, heavy, cropPlane(c.pHeavy(), w, core), heavyCore,
        paper, executed, new SrResult.StageNanos(c.encodeNanos(), c.classifyNanos(), routingNanos,
            up.upsampleNanos()));
  }

  static float[] cropPlane(float[] plane, int width, Box box) {
    float[] out = new float[box.height() * box.width()];
    for (int y = 0; y < box.height(); y++) {
      System.arraycopy(plane, (box.y() + y) * width + box.x(), out, y * box.width(), box.width());
    }
    return out;
  }

  static byte[] cropBytes(byte[] plane, int width, Box box) {
    byte[] out = new byte[box.height() * box.width()];
    for (int y = 0; y < box.height(); y++) {
      System.arraycopy(plane, (box.y() + y) * width + box.x(), out, y * box.width(), box.width());
    }
    return out;
  }
}
