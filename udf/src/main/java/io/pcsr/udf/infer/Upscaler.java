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
  /** Share of the max heap a one-pass host backbone may take; 0: never above the pixel limit. */
  private final double hostHeapShare;

  /**
   * Image mode in one pass up to {@link #WHOLE_IMAGE_MAX_LR_PIXELS} only: for a Spark task,
   * which shares its executor's heap with the other tasks running at the same time.
   */
  public Upscaler(PcsrEngine engine) {
    this(engine, 0);
  }

  /**
   * @param hostHeapShare above {@link #WHOLE_IMAGE_MAX_LR_PIXELS}, a host backbone still runs
   *     the whole image at once while its feature maps take at most this share of the max heap
   *     ({@link #onePass}); for a JVM that runs one image at a time (the CLI, {@code bench})
   */
  public Upscaler(PcsrEngine engine, double hostHeapShare) {
    this.hostHeapShare = hostHeapShare;
    this.engine = engine;
    this.cost = PcsrCost.of(engine.model(), engine.scale());
    this.router = new Router(engine.model().routingCost(engine.scale()), cost);
  }

  public PcsrCost cost() { return cost; }

  public Router router() { return router; }

  public PcsrEngine engine() { return engine; }

  /**
   * LR images above this many pixels run through exact tiles ({@link #TILE_SIZE} + halo) instead
   * of one backbone pass: the result is the same (tiling is exact, see TiledEqualsWholeImageTest)
   * and native memory stays bounded by the tile, not the image (a whole 8K-output CARN pass holds
   * several 100+ MB activations at once).
   */
  public static final long WHOLE_IMAGE_MAX_LR_PIXELS = 512L * 512;
  public static final int TILE_SIZE = 384;
  /**
   * The CLI's and {@code bench}'s share of the max heap for a one-pass host backbone (see
   * {@link #Upscaler(PcsrEngine, double)}).
   */
  public static final double HOST_WHOLE_IMAGE_HEAP_SHARE = 1.0 / 3;

  /**
   * Whether {@link #upscale} runs an h x w LR image in one pass rather than in tiles. Each tile
   * computes a halo of the backbone's receptive radius again: a 4K output (960x540 LR) in six
   * tiles of 384 took 2830-3219 ms of backbone on two threads against 2350-2378 in one pass,
   * and raised the routed settings' time ratios to all-heavy from 1.19-1.21 to 1.21-1.33. With
   * the host backbone that pass holds about 1.1 GB of Java heap, within a third of the
   * launcher's default 4 GB; an 8K output (4.3 GB) still goes by tiles. Only where this
   * upscaler was given a heap share: in a Spark task the other tasks share the heap.
   */
  public boolean onePass(int h, int w) {
    if ((long) h * w <= WHOLE_IMAGE_MAX_LR_PIXELS) {
      return true;
    }
    return hostHeapShare > 0 && engine.backboneOnHost()
        && engine.model().backbone().hostPeakBytes(h, w)
            <= hostHeapShare * Runtime.getRuntime().maxMemory();
  }

  /** Image mode: the result of running the whole image at once. */
  public SrResult upscale(FloatImage lr, RoutingPolicy policy, boolean refine) {
    if (!onePass(lr.height(), lr.width())) {
      return upscaleTiled(lr, policy, refine, TILE_SIZE);
    }
    long t0 = System.nanoTime();
    try (Classified c = engine.classify(lr, LrRegion.whole(lr.height(), lr.width()))) {
      long r0 = System.nanoTime();
      byte[] flags = router.route(policy, c.pLight(), c.pHeavy(), engine.hostLoopsParallel());
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

  /** Image mode through exact tiles (same output as the whole image at once). */
  public SrResult upscaleTiled(FloatImage lr, RoutingPolicy policy, boolean refine, int tileSize) {
    long t0 = System.nanoTime();
    int halo = TileGrid.exactHalo(engine.model().backbone().receptiveRadius());
    List<TileProcessor.TileInput> inputs = new ArrayList<>();
    for (Tile t : TileGrid.exact(lr.height(), lr.width(), tileSize, halo)) {
      Box b = t.input();
      inputs.add(new TileProcessor.TileInput(t, lr.crop(b.y(), b.x(), b.height(), b.width())));
    }
    return stitch(inputs, policy, refine, lr.height() * engine.scale(),
        lr.width() * engine.scale(), t0);
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
    return stitch(inputs, policy, refine, TileGrid.paperExtent(lr.height()) * s,
        TileGrid.paperExtent(lr.width()) * s, t0);
  }

  private SrResult stitch(List<TileProcessor.TileInput> inputs, RoutingPolicy policy,
      boolean refine, int hrH, int hrW, long t0) {
    Stitcher image = new Stitcher(3, hrH, hrW);
    Stitcher probability = new Stitcher(1, hrH, hrW);
    long[] counts = new long[2]; // heavy, decisions
    double[] flops = new double[2]; // paper, executed
    SrResult.StageNanos[] stages = {SrResult.StageNanos.NONE};
    // each tile is stitched and dropped as soon as it is done
    new TileProcessor(engine, policy, refine).process(inputs, o -> {
      image.add(o.hrBox(), o.rgb(), o.heavy());
      probability.add(o.hrBox(), o.pHeavy(), o.heavy());
      counts[0] += o.heavyPixels();
      counts[1] += o.heavy().length;
      flops[0] += o.flopsPaper();
      flops[1] += o.flopsExecuted();
      stages[0] = stages[0].plus(o.nanos());
    });
    return new SrResult(new FloatImage(3, hrH, hrW, image.image()), image.heavyShare(),
        probability.image(), counts[0], counts[1], new LayerCost(flops[0], flops[1]),
        System.nanoTime() - t0, stages[0]);
  }
}
