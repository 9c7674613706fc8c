package io.pcsr.udf.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pcsr.udf.image.FloatImage;
import io.pcsr.udf.image.ImageCodec;
import io.pcsr.udf.routing.RoutingPolicy;
import io.pcsr.udf.testing.Reference;
import io.pcsr.udf.tiling.Box;
import io.pcsr.udf.tiling.Stitcher;
import io.pcsr.udf.tiling.Tile;
import io.pcsr.udf.tiling.TileGrid;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Exact-mode tiling: an image cut into many tiles with a halo and stitched back equals
 * whole-image inference, for per-pixel and per-image routing.
 */
class TiledEqualsWholeImageTest {

  @AfterAll
  static void release() {
    ModelCache.clear();
  }

  @ParameterizedTest(name = "{0} {1} tile {2}")
  @CsvSource({"carn, k=0, 40", "carn, adaptive, 40", "fsrcnn, k=0, 24", "fsrcnn, heavy-share=0.3, 24"})
  void stitchedTilesEqualTheWholeImage(String backbone, String routing, int tileSize)
      throws IOException {
    FloatImage full = ImageCodec.read(Reference.file("images/test2k-1232-lr-x4.png"));
    FloatImage lr = full.crop(60, 100, 110, 97); // odd sizes: partial edge tiles
    PcsrEngine engine = ModelCache.engine(
        Reference.dir().resolve("checkpoints/" + backbone + "-pcsr-x4.pth"), 4);
    RoutingPolicy policy = RoutingPolicy.parse(routing);
    SrResult whole = new Upscaler(engine).upscale(lr, policy, true);

    int halo = TileGrid.exactHalo(engine.model().backbone().receptiveRadius());
    List<Tile> grid = TileGrid.exact(lr.height(), lr.width(), tileSize, halo);
    assertTrue(grid.size() >= 9, "many tiles: " + grid.size());
    List<TileProcessor.TileInput> inputs = new ArrayList<>();
    for (Tile t : grid) {
      Box in = t.input();
      inputs.add(new TileProcessor.TileInput(t, lr.crop(in.y(), in.x(), in.height(), in.width())));
    }
    List<TileProcessor.TileOutput> outs = new TileProcessor(engine, policy, true).process(inputs);
    Stitcher st = new Stitcher(3, lr.height() * 4, lr.width() * 4);
    long heavy = 0;
    double paper = 0;
    for (TileProcessor.TileOutput o : outs) {
      st.add(o.hrBox(), o.rgb(), o.heavy());
      heavy += o.heavyPixels();
      paper += o.flopsPaper();
    }
    assertEquals(0, st.uncovered());
    float[] tiled = st.image();
    float[] ref = whole.image().data();
    double max = 0;
    for (int i = 0; i < ref.length; i++) {
      max = Math.max(max, Math.abs(tiled[i] - ref[i]));
    }
    float[] share = st.heavyShare();
    byte[] tiledClass = new byte[share.length];
    byte[] wholeClass = new byte[share.length];
    for (int i = 0; i < share.length; i++) {
      tiledClass[i] = (byte) share[i];
      wholeClass[i] = (byte) whole.heavyShare()[i];
    }
    System.out.printf("%s %s: %d tiles, max |diff| %.2e, heavy %d vs %d%n", backbone, routing,
        grid.size(), max, heavy, whole.heavyPixels());
    assertArrayEquals(wholeClass, tiledClass, "classes");
    assertTrue(max <= 1e-5, "max |diff| " + max);
    assertEquals(whole.heavyPixels(), heavy);
    assertEquals(whole.flops().paper(), paper, 1e-3 * paper / 1e6);

    // the same through Upscaler's tiled image mode (what large images take)
    SrResult viaUpscaler = new Upscaler(engine).upscaleTiled(lr, policy, true, tileSize);
    assertArrayEquals(ref, viaUpscaler.image().data(), "Upscaler.upscaleTiled");
    assertArrayEquals(whole.heavyShare(), viaUpscaler.heavyShare(), "classes via Upscaler");
    assertEquals(whole.flops().paper(), viaUpscaler.flops().paper(), 1e-3 * paper / 1e6);
  }

  /**
   * Image mode's choice between one pass and tiles: small images always in one pass; above
   * the libtorch limit, one pass only where the upscaler has a heap share (not in a Spark
   * task), with the host backbone, and while its feature maps fit that share (the test JVM
   * runs with -Xmx4g: a 4K output's 1.1 GB fits a third, an 8K output's 4.3 GB does not).
   */
  @org.junit.jupiter.api.Test
  void imageModeRunsOnePassWhileTheHostBackboneFitsTheHeap() {
    PcsrEngine engine = ModelCache.engine(Reference.dir().resolve("checkpoints/carn-pcsr-x4.pth"),
        4);
    Upscaler up = new Upscaler(engine, Upscaler.HOST_WHOLE_IMAGE_HEAP_SHARE);
    assertTrue(up.onePass(512, 512));
    assertTrue(!new Upscaler(engine).onePass(540, 960), "a Spark task's upscaler: by tiles");
    assertTrue(!up.onePass(2160, 3840), "a 16K output never in one pass");
    long fourK = engine.model().backbone().hostPeakBytes(540, 960);
    boolean fits = engine.backboneOnHost()
        && fourK <= Upscaler.HOST_WHOLE_IMAGE_HEAP_SHARE * Runtime.getRuntime().maxMemory();
    assertEquals(fits, up.onePass(540, 960), "4K output, feature maps " + fourK + " bytes");
    if (engine.backboneOnHost()) {
      assertTrue(fourK > 1_000_000_000L && fourK < 1_200_000_000L, fourK + " bytes");
      assertTrue(!up.onePass(1080, 1920), "8K output");
    }
    try (PcsrEngine libtorch = new PcsrEngine(engine.model(), 4, engine.chunkLrPixels(),
        false)) {
      assertTrue(!new Upscaler(libtorch, Upscaler.HOST_WHOLE_IMAGE_HEAP_SHARE).onePass(540, 960),
          "libtorch backbone: by tiles");
    }
  }
}
