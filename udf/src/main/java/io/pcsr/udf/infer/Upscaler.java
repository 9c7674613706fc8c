package io.pcsr.udf.infer;

import io.pcsr.udf.cost.PcsrCost;
import io.pcsr.udf.image.FloatImage;
import io.pcsr.udf.model.LayerCost;
import io.pcsr.udf.routing.Router;
import io.pcsr.udf.routing.RoutingPolicy;
import java.util.ArrayList;
import java.util.List;
import io.pcsr.udf.tiling.Box;
import io.pcsr.udf.tiling.Stitcher;
import io.pcsr.udf.tiling.Tile;
import io.pcsr.udf.tiling.TileGrid;

/**
 * Whole images through PCSR on one JVM: either the whole LR at once (image mode, no seams, the
 * backbone sees all context) or the paper's protocol (patch mode: 32x32 LR patches at stride 28
 * after a top-left crop to that grid, each patch routed and refined alone, overlaps averaged).
 */
public final class Upscaler {
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
      long lrPixels = (long) lr.height() * lr.width();
      LayerCost flops = new LayerCost(cost.image(lrPixels, up.heavyPixels()).paper(),
          cost.executed(lrPixels, lrPixels, up.lightRowsExecuted(), up.heavyPixels()));
      return new SrResult(up.image(), share, c.pHeavy(), up.heavyPixels(), flags.length, flops,
          System.nanoTime() - t0, new SrResult.StageNanos(c.encodeNanos(), c.classifyNanos(),
              routing, up.upsampleNanos()));
    }
  }

  /** Patch mode (the paper's evaluation protocol). Per-image policies decide over all patches. */
  public SrResult upscalePatches(FloatImage lr, RoutingPolicy policy, boolean refine) {
    long t0 = System.nanoTime();
    int s = engine.scale();
    List<TileProcessor.TileInput> inputs = new ArrayList<>();
    for (Tile t : TileGrid.paper(lr.height(), lr.width())) {
      Box b = t.input();
      inputs.add(new TileProcessor.TileInput(t, lr.crop(b.y(), b.x(), b.height(), b.width())));
    }
    int hrH = TileGrid.paperExtent(lr.height()) * s;
    int hrW = TileGrid.paperExtent(lr.width()) * s;
    Stitcher image = new Stitcher(3, hrH, hrW);
    Stitcher probability = new Stitcher(1, hrH, hrW);
    long heavy = 0;
    long decisions = 0;
    double paper = 0;
    double executed = 0;
    SrResult.StageNanos stages = SrResult.StageNanos.NONE;
    for (TileProcessor.TileOutput o : new TileProcessor(engine, policy, refine).process(inputs)) {
      image.add(o.hrBox(), o.rgb(), o.heavy());
      probability.add(o.hrBox(), o.pHeavy(), o.heavy());
      heavy += o.heavyPixels();
      decisions += o.heavy().length;
      paper += o.flopsPaper();
      executed += o.flopsExecuted();
      stages = stages.plus(o.nanos());
    }
    return new SrResult(new FloatImage(3, hrH, hrW, image.image()), image.heavyShare(),
        probability.image(), heavy, decisions, new LayerCost(paper, executed),
        System.nanoTime() - t0, stages);
  }
}
