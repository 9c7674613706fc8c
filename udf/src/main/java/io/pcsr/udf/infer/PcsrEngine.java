package io.pcsr.udf.infer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import io.pcsr.udf.concurrent.HostLoops;
import io.pcsr.udf.image.FloatImage;
import io.pcsr.udf.model.HostSimd;
import io.pcsr.udf.model.PcsrModel;
import io.pcsr.udf.model.PixelMlp;
import io.pcsr.udf.model.PlanarFeatures;

/**
 * PCSR inference on one LR input (a whole image or a tile with its halo), in two stages so that
 * routing can be decided in between, possibly over a whole image spread across many tiles:
 * {@link #classify} (backbone + classifier on every HR pixel of a region), then
 * {@link #upsample} (each HR pixel through the one upsampler its class names).
 *
 * <p>Pixels are handled in offset-major chunks: for a chunk of LR pixels, the first MLP layer is
 * one matrix product on their features, and the s^2 sub-pixel offsets only add a bias. The
 * light upsampler (about a tenth of the heavy one's cost) runs densely over the chunk; the heavy
 * one sees only the rows routed to it, so wall time follows the heavy share. On a CPU with the
 * Vector API all three MLPs run in {@link VectorMlp}, first layer included, on the region's
 * features laid out channel by channel ({@link PlanarFeatures}), and the heavy rows are
 * gathered into its lanes; several threads then split the region by chunk. Otherwise (a GPU,
 * float16, no Vector API) the features stay a tensor and an embedding lookup gathers the heavy
 * rows for libtorch. A chunk whose rows are all heavy needs no gather and runs densely too.
 *
 * <p>Precision: the engine computes in the model's {@link io.pcsr.udf.model.Precision}. The LR
 * input is converted once before the backbone; class probabilities and RGB come back as
 * float32 (the classifier's sigmoid included, so routing compares float32 probabilities), and
 * the bilinear residual, refinement and quantisation stay in float32 on the host.
 *
 * <p>Thread-safe: the model's weights are only read; each call works in its own NDManager.
 */
public final class PcsrEngine implements AutoCloseable {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PcsrEngine.class);
  /**
   * LR pixels per chunk on a CPU: s^2 x this many HR rows go through the classifier and the
   * light upsampler at a time (their activations are narrow: 16384 x 21 floats fit in L2),
   * while heavy rows go in blocks of {@link #HEAVY_BLOCK_ROWS_CPU}. Measured on the demo image,
   * one thread, CARN-PCSR, on the Xeon of the early stops: all-heavy upsampling 791 ms with
   * 1024 and 2048-row heavy blocks, 826 with 512, 929 with 128, 1111 with 1024 and the whole
   * chunk as one heavy batch.
   */
  public static final int CHUNK_LR_PIXELS_DEFAULT = 1024;

  /** Heavy rows per MLP call (see {@link #heavyBlockRows}). */
  private static final int HEAVY_BLOCK_ROWS_CPU = 1024;

  private final PcsrModel model;
  private final int scale;
  private final int chunkLrPixels;
  private final NDManager manager;
  /**
   * Gathered heavy rows go through libtorch's MLP in blocks of at most this many, so that a
   * layer's 75-wide input and output (2 x 300 KB at 1024 rows) stay in L2 whatever the chunk:
   * with 2048 rows they fill an AMD Zen 4 core's 1 MB L2, and the all-heavy upsampling took
   * 2-6 % longer there (ninth stop); on the Xeon of earlier stops the two sizes tied. On a GPU,
   * where the chunk is sized to fill the device, the whole chunk is one block.
   */
  private final int heavyBlockRows;
  /**
   * Whether the host's loops use the common pool whatever libtorch's threads: on a GPU, where
   * the host's cores would otherwise idle (see {@link HostLoops}). On a CPU they use it only
   * when libtorch was given several threads ({@link #hostThreads}).
   */
  private final boolean hostParallel;
  /** Values per piece when adding an upsampler's raster rows in parallel. */
  private static final int ADD_PIECE = 1 << 16;
  private final NDArray classifierBias;
  private final NDArray lightBias;
  private final NDArray heavyBias;
  private final float[] mean;
  /** The light upsampler on the JVM's SIMD units (CPU, float32, module present), else null. */
  private final VectorMlp lightOnHost;
  /** The heavy upsampler likewise. */
  private final VectorMlp heavyOnHost;
  /** The classifier likewise, when it has a hidden layer (not FSRCNN-PCSR's single Linear). */
  private final VectorMlp classifierOnHost;
  /**
   * Whether the backbone runs on the JVM's SIMD units (CARN-PCSR's, whole). With several torch
   * threads its convolutions run split over the common pool (2K backbone, two threads: 409 ms
   * against 670-732 ms on one), and split or not each output is the same sum, so a Spark task
   * (one thread) and a local run (all cores) give the same image.
   */
  private final boolean backboneOnHost;

  public PcsrEngine(PcsrModel model, int scale) {
    this(model, scale, CHUNK_LR_PIXELS_DEFAULT);
  }

  /** Host SIMD kernels where this JVM can run them ({@link VectorMlpSupport}). */
  public PcsrEngine(PcsrModel model, int scale, int chunkLrPixels) {
    this(model, scale, chunkLrPixels, VectorMlpSupport.usable());
  }

  /**
   * @param simdOnHost run the MLPs and the backbone on the JVM's SIMD units where possible
   *     (CPU, float32, module resolved); false keeps everything in libtorch, as on a GPU
   */
  public PcsrEngine(PcsrModel model, int scale, int chunkLrPixels, boolean simdOnHost) {
    this(model, scale, chunkLrPixels, simdOnHost, simdOnHost);
  }

  /** The two host paths apart, so that tests can compare each with libtorch on its own. */
  PcsrEngine(PcsrModel model, int scale, int chunkLrPixels, boolean mlpsOnHost,
      boolean backboneOnHost) {
    if (scale < 1) {
      throw new IllegalArgumentException("scale must be a positive integer, got " + scale);
    }
    if (chunkLrPixels < 1) {
      throw new IllegalArgumentException("chunk must be a positive number of LR pixels, got "
          + chunkLrPixels);
    }
    this.model = model;
    this.scale = scale;
    this.chunkLrPixels = chunkLrPixels;
    this.manager = NDManager.newBaseManager(model.device());
    this.heavyBlockRows = manager.getDevice().isGpu() ? Integer.MAX_VALUE : HEAVY_BLOCK_ROWS_CPU;
    this.hostParallel = manager.getDevice().isGpu();
    this.classifierBias = offsetBias(model.classifier());
    this.lightBias = offsetBias(model.light());
    this.heavyBias = offsetBias(model.heavy());
    this.mean = model.rgbMean();
    boolean host = !manager.getDevice().isGpu()
        && model.precision().dataType() == DataType.FLOAT32 && VectorMlpSupport.usable();
    // both upsamplers on the host or neither: the host path reads the features channel by
    // channel (PlanarFeatures), libtorch's as rows
    boolean upsamplersOnHost = host && mlpsOnHost && model.light().layerCount() > 1
        && model.heavy().layerCount() > 1;
    this.lightOnHost = upsamplersOnHost ? new VectorMlp(model.light(), scale) : null;
    this.heavyOnHost = upsamplersOnHost ? new VectorMlp(model.heavy(), scale) : null;
    this.classifierOnHost = upsamplersOnHost && model.classifier().layerCount() > 1
        ? new VectorMlp(model.classifier(), scale) : null;
    this.backboneOnHost = host && backboneOnHost && model.backbone().hasHostKernels();
    LOG.info("PCSR engine: {}", hostKernels());
  }

  private NDArray offsetBias(PixelMlp mlp) {
    return inModelPrecision(manager.create(mlp.offsetBias(scale),
        new Shape(scale * scale, mlp.firstWidth())));
  }

  /** Converts a float32 array to the model's precision (closing the float32 one). */
  private NDArray inModelPrecision(NDArray f32) {
    DataType t = model.precision().dataType();
    if (t == DataType.FLOAT32) {
      return f32;
    }
    NDArray narrow = f32.toType(t, false);
    f32.close();
    return narrow;
  }

  /** Host floats of a result, converted to float32 first where the model computes narrower. */
  private static float[] hostFloats(NDArray a) {
    if (a.getDataType() == DataType.FLOAT32) {
      return a.toFloatArray();
    }
    try (NDArray wide = a.toType(DataType.FLOAT32, false)) {
      return wide.toFloatArray();
    }
  }

  public PcsrModel model() { return model; }

  public int scale() { return scale; }

  /** Whether the light upsampler runs on the JVM's SIMD units ({@link VectorMlp}). */
  public boolean lightOnHost() { return lightOnHost != null; }

  /** Whether the heavy upsampler runs on the JVM's SIMD units. */
  public boolean heavyOnHost() { return heavyOnHost != null; }

  /** Whether the classifier runs on the JVM's SIMD units. */
  public boolean classifierOnHost() { return classifierOnHost != null; }

  /**
   * Whether the host's per-pixel loops (residual, adds, refinement, routing) run on the common
   * pool: where the model is on a GPU, or libtorch was given several threads (a local run;
   * a Spark task has one). Each gives the same numbers split or not.
   */
  public boolean hostLoopsParallel() { return hostThreads(); }

  /** Whether the backbone runs on the JVM's SIMD units. */
  public boolean backboneOnHost() { return backboneOnHost; }

  /**
   * Where the MLPs (upsamplers, classifier) and the backbone run, and why: for logs and
   * benchmarks.
   */
  public String hostKernels() {
    if (!VectorMlpSupport.usable()) {
      return VectorMlpSupport.describe();
    }
    String mlps = lightOnHost != null
        ? "light and heavy upsamplers" + (classifierOnHost != null ? " and classifier" : "")
            + ": JVM SIMD (" + VectorMlp.describeLanes() + ")"
        : "upsamplers and classifier: libtorch (" + manager.getDevice() + ", "
            + model.precision().label() + ")";
    return mlps + "; backbone: "
        + (backboneOnHost ? "JVM SIMD" : "libtorch");
  }

  /** LR pixels per chunk (s^2 times as many HR rows go through an MLP at once). */
  public int chunkLrPixels() { return chunkLrPixels; }

  /** Backbone on the whole input, classifier on every HR pixel of {@code region}. */
  public Classified classify(FloatImage lr, LrRegion region) {
    checkRegion(lr, region);
    NDManager m = NDManager.newBaseManager(manager.getDevice());
    try {
      long t0 = System.nanoTime();
      NDArray featureRows = null;
      PlanarFeatures planar = null;
      if (lightOnHost != null && classifierOnHost != null) {
        planar = encodePlanar(m, lr, region); // every MLP on the host: no tensor of features
      } else {
        featureRows = encode(m, lr, region);
        DeviceWait.until(featureRows); // the backbone's time, not billed to the classifier
        if (lightOnHost != null) {
          planar = PlanarFeatures.fromChannelsLast(featureRows, region.width(), 0, 0,
              region.height(), region.width());
        }
      }
      long t1 = System.nanoTime();
      int hrPixels = region.pixels() * scale * scale;
      float[] pLight = new float[hrPixels];
      float[] pHeavy = new float[hrPixels];
      classifyChunks(featureRows, planar, region, pLight, pHeavy);
      if (planar != null && featureRows != null) {
        featureRows.close(); // the upsamplers read the planar copy: hold the features once
        featureRows = null;
      }
      long t2 = System.nanoTime();
      return new Classified(m, featureRows, planar, lr, pLight, pHeavy, region, scale, t1 - t0,
          t2 - t1);
    } catch (RuntimeException | Error e) {
      m.close();
      throw e;
    }
  }

  private static void checkRegion(FloatImage lr, LrRegion r) {
    if (lr.channels() != 3) {
      throw new IllegalArgumentException("PCSR needs 3-channel RGB input, got " + lr.channels());
    }
    if (r.y0() + r.height() > lr.height() || r.x0() + r.width() > lr.width()) {
      throw new IllegalArgumentException("region " + r + " outside the " + lr.height() + "x"
          + lr.width() + " input");
    }
  }

  /** Mean-subtracted NHWC input through the backbone; the region's features as rows. */
  private NDArray encode(NDManager m, FloatImage lr, LrRegion region) {
    int h = lr.height();
    int w = lr.width();
    try (NDArray input = backboneInput(m, lr);
        NDArray features = model.backbone().features(input, backboneHost())) {
      int c = model.backbone().channels();
      if (region.coversWhole(h, w)) {
        return features.reshape(h * w, c);
      }
      try (NDArray crop = features.get(new NDIndex(":, {}:{}, {}:{}, :", region.y0(),
          region.y0() + region.height(), region.x0(), region.x0() + region.width()))) {
        return crop.reshape(region.pixels(), c);
      }
    }
  }

  /** The region's features channel by channel, for the host MLPs. */
  private PlanarFeatures encodePlanar(NDManager m, FloatImage lr, LrRegion region) {
    try (NDArray input = backboneInput(m, lr)) {
      return model.backbone().planarFeatures(input, backboneHost(), region.y0(), region.x0(),
          region.height(), region.width());
    }
  }

  /** The LR input, mean-subtracted, as a (1, h, w, 3) tensor in the model's precision. */
  private NDArray backboneInput(NDManager m, FloatImage lr) {
    int h = lr.height();
    int w = lr.width();
    float[] src = lr.data();
    float[] hwc = new float[h * w * 3];
    for (int c = 0; c < 3; c++) {
      float mu = mean[c];
      int plane = c * h * w;
      for (int i = 0; i < h * w; i++) {
        hwc[i * 3 + c] = src[plane + i] - mu;
      }
    }
    return inModelPrecision(m.create(hwc, new Shape(1, h, w, 3)));
  }

  private HostSimd backboneHost() {
    return backboneOnHost ? new HostSimd(true, hostThreads()) : HostSimd.OFF;
  }

  private void classifyChunks(NDArray featureRows, PlanarFeatures planar, LrRegion region,
      float[] pLight, float[] pHeavy) {
    int n = region.pixels();
    int hrW = region.width() * scale;
    if (classifierOnHost != null) {
      // a chunk per claim, as when upsampling
      HostLoops.forEachClaimed((n + chunkLrPixels - 1) / chunkLrPixels, hostThreads(), i -> {
        int p0 = i * chunkLrPixels;
        int k = Math.min(n, p0 + chunkLrPixels) - p0;
        float[] projected = classifierOnHost.project(planar, p0, k);
        classifierOnHost.probabilities(projected, classifierOnHost.stride(k), k, scale,
            hrCorners(p0, p0 + k, region.width(), hrW), hrW, pLight, pHeavy);
      });
      return;
    }
    PixelMlp cls = model.classifier();
    int s2 = scale * scale;
    try (NDArray bias = classifierBias.reshape(s2, 1, cls.firstWidth())) {
      for (int p0 = 0; p0 < n; p0 += chunkLrPixels) {
        int p1 = Math.min(n, p0 + chunkLrPixels);
        try (NDManager chunk = featureRows.getManager().newSubManager()) {
          NDArray rows = featureRows.get(new NDIndex("{}:{}", p0, p1));
          rows.attach(chunk);
          NDArray z = cls.projectFeatures(rows);
          z.attach(chunk);
          NDArray pre = z.expandDims(0).add(bias); // (s2, k, H1)
          pre.attach(chunk);
          NDArray differences = cls.finish(pre); // (l0 - l1, l1 - l0)
          differences.attach(chunk);
          NDArray wide = differences.toType(DataType.FLOAT32, false); // routing sees float32
          wide.attach(chunk);
          NDArray prob = ai.djl.nn.Activation.sigmoid(wide); // = softmax of the logits
          prob.attach(chunk);
          if (wholeRows(p0, p1, region.width(), n)) {
            copyProbabilityRows(prob, p0, p1, region.width(), pLight, pHeavy);
          } else {
            scatterProbabilities(prob.toFloatArray(), p0, p1, region, pLight, pHeavy);
          }
        }
      }
    }
  }

  /** Host kernels use the common pool on a GPU, or where libtorch was given several threads. */
  private boolean hostThreads() {
    return hostParallel || JniUtils.getNumThreads() > 1;
  }

  /**
   * Whether LR pixels [p0, p1) are whole rows of the region: then their HR pixels are a band of
   * whole HR rows, and the device can put them in raster order (a permute) so that the host
   * copies them straight instead of scattering each sub-pixel. With a GPU's chunks (a whole
   * 2K image) this took the host's share of the upsampling from a scatter over 5.5 M values to
   * a sequential add.
   */
  private static boolean wholeRows(int p0, int p1, int regionWidth, int regionPixels) {
    return p0 % regionWidth == 0 && (p1 % regionWidth == 0 || p1 == regionPixels);
  }

  /**
   * (s2, k, channels) offset-major, for whole LR rows [p0, p1) of width w, to (channels, HR
   * rows, HR width): s2 = (dy, dx) and k = (y, x) become channel, (y, dy), (x, dx).
   */
  private NDArray hrRaster(NDArray offsetMajor, int k, int w, int channels) {
    int rows = k / w;
    try (NDArray split = offsetMajor.reshape(scale, scale, rows, w, channels);
        NDArray moved = split.transpose(4, 2, 0, 3, 1)) {
      return moved.reshape(channels, (long) rows * scale * w * scale);
    }
  }

  /** Classifier output of whole rows, laid out on the device, copied into the HR rasters. */
  private void copyProbabilityRows(NDArray prob, int p0, int p1, int w, float[] pLight,
      float[] pHeavy) {
    try (NDArray raster = hrRaster(prob, p1 - p0, w, 2)) {
      float[] v = raster.toFloatArray();
      int band = v.length / 2;
      int at = p0 * scale * scale; // first HR pixel of the band
      System.arraycopy(v, 0, pLight, at, band);
      System.arraycopy(v, band, pHeavy, at, band);
    }
  }

  /** prob is (s2, k, 2) offset-major; write into the region's HR raster. */
  private void scatterProbabilities(float[] prob, int p0, int p1, LrRegion region,
      float[] pLight, float[] pHeavy) {
    int k = p1 - p0;
    int hrWidth = region.width() * scale;
    int[] corner = hrCorners(p0, p1, region.width(), hrWidth);
    for (int t = 0; t < scale * scale; t++) {
      int offset = (t / scale) * hrWidth + t % scale;
      for (int q = 0; q < k; q++) {
        int at = corner[q] + offset;
        int src = (t * k + q) * 2;
        pLight[at] = prob[src];
        pHeavy[at] = prob[src + 1];
      }
    }
  }

  /**
   * Runs each HR pixel of the classified region through the upsampler its flag names
   * (0 light, 1 heavy), adds the bilinear residual, optionally refines, and returns the HR image.
   */
  public Upsampled upsample(Classified c, byte[] heavyFlags, boolean refine) {
    long t0 = System.nanoTime();
    LrRegion region = c.region();
    int hrH = c.hrHeight();
    int hrW = c.hrWidth();
    if (heavyFlags.length != hrH * hrW) {
      throw new IllegalArgumentException("flags for " + heavyFlags.length + " pixels, region has "
          + hrH * hrW);
    }
    boolean parallel = hostThreads();
    float[] out = BilinearResidual.compute(c.lr, region, scale, parallel);
    int n = region.pixels();
    int chunks = (n + chunkLrPixels - 1) / chunkLrPixels;
    long[] heavyRows = new long[chunks];
    long[] lightRows = new long[chunks];
    if (c.planar != null) {
      // a chunk per claim, its kernels on one thread: no pool barrier inside a chunk
      HostLoops.forEachClaimed(chunks, parallel, i -> {
        int p0 = i * chunkLrPixels;
        int p1 = Math.min(n, p0 + chunkLrPixels);
        ChunkRoutes routes = ChunkRoutes.of(heavyFlags, p0, p1, region.width(), scale, false);
        count(routes, i, heavyRows, lightRows);
        upsampleOnHost(c.planar, routes, p0, p1, region.width(), heavyFlags, out, hrW);
      });
    } else {
      for (int i = 0; i < chunks; i++) {
        int p0 = i * chunkLrPixels;
        int p1 = Math.min(n, p0 + chunkLrPixels);
        ChunkRoutes routes = ChunkRoutes.of(heavyFlags, p0, p1, region.width(), scale,
            hostParallel);
        count(routes, i, heavyRows, lightRows);
        upsampleInLibtorch(c.featureRows, routes, p0, p1, region.width(), heavyFlags, out, hrH,
            hrW);
      }
    }
    if (refine) {
      io.pcsr.udf.routing.Refinement.apply(out, heavyFlags, hrH, hrW, parallel);
    }
    long total = (long) hrH * hrW;
    long heavy = java.util.Arrays.stream(heavyRows).sum();
    return new Upsampled(new FloatImage(3, hrH, hrW, out), heavyFlags, heavy, total - heavy,
        java.util.Arrays.stream(lightRows).sum(), System.nanoTime() - t0);
  }

  /**
   * Both upsamplers on LR pixels [p0, p1) through libtorch (a GPU, float16, no Vector API), as
   * {@link #upsampleOnHost} does on the host.
   */
  private void upsampleInLibtorch(NDArray featureRows, ChunkRoutes routes, int p0, int p1,
      int regionWidth, byte[] heavyFlags, float[] out, int hrH, int hrW) {
    try (NDManager chunk = featureRows.getManager().newSubManager()) {
      NDArray rows = featureRows.get(new NDIndex("{}:{}", p0, p1));
      rows.attach(chunk);
      if (routes.allHeavy()) {
        // no index and no gather: every row of the chunk goes through the heavy MLP
        runDense(chunk, rows, model.heavy(), heavyBias, heavyBlockRows, p0, p1, regionWidth,
            null, out, hrH, hrW);
        return;
      }
      if (routes.heavyCount() < routes.size()) {
        runDense(chunk, rows, model.light(), lightBias, Integer.MAX_VALUE, p0, p1, regionWidth,
            heavyFlags, out, hrH, hrW);
      }
      runPath(chunk, rows, model.heavy(), heavyBias, routes.heavy(), out, hrH, hrW);
    }
  }

  /** Chunk i's heavy rows, and its rows through the light upsampler (all, when it runs). */
  private static void count(ChunkRoutes routes, int i, long[] heavyRows, long[] lightRows) {
    heavyRows[i] = routes.heavyCount();
    lightRows[i] = routes.heavyCount() < routes.size() ? routes.size() : 0;
  }

  /**
   * One upsampler over every HR pixel of the chunk, offset-major, a few offsets at a time (at
   * most {@code maxRows} rows per product); with {@code lightOnly}, its result is kept only
   * where that flag is 0. The light MLP is ~10x cheaper than the heavy one, so computing it
   * densely for the few heavy pixels too costs less than gathering the light rows (measured:
   * docs/PERFORMANCE.md); a chunk that is heavy throughout needs no gather either.
   */
  private void runDense(NDManager chunk, NDArray rows, PixelMlp mlp, NDArray offsetBias,
      int maxRows, int p0, int p1, int regionWidth, byte[] lightOnly, float[] out, int hrH,
      int hrW) {
    int s2 = scale * scale;
    int k = p1 - p0;
    NDArray z = mlp.projectFeatures(rows);
    z.attach(chunk);
    NDArray zRow = z.expandDims(0);
    zRow.attach(chunk);
    int perBlock = Math.max(1, Math.min(s2, maxRows / k));
    int plane = hrH * hrW;
    if (perBlock == s2 && wholeRows(p0, p1, regionWidth, hrH * hrW / s2)) {
      addRasterRows(chunk, zRow, offsetBias, mlp, p0, k, regionWidth, lightOnly, out, plane);
      return;
    }
    int[] corner = hrCorners(p0, p1, regionWidth, hrW);
    for (int t0 = 0; t0 < s2; t0 += perBlock) {
      int t1 = Math.min(s2, t0 + perBlock);
      try (NDManager block = chunk.newSubManager()) {
        float[] v = hostFloats(offsetsRgb(block, zRow, offsetBias, mlp, t0, t1)); // (t1 - t0, k, 3)
        for (int t = t0; t < t1; t++) {
          int offset = (t / scale) * hrW + t % scale;
          int src = (t - t0) * k * 3;
          for (int q = 0; q < k; q++, src += 3) {
            int at = corner[q] + offset;
            if (lightOnly == null || lightOnly[at] == 0) {
              out[at] += v[src];
              out[plane + at] += v[src + 1];
              out[2 * plane + at] += v[src + 2];
            }
          }
        }
      }
    }
  }

  /**
   * The upsampler's RGB for offsets [t0, t1) of every row of {@code zRow} (the projected
   * features, (1, k, H1)): (t1 - t0, k, 3) offset-major, owned by {@code block}.
   */
  private static NDArray offsetsRgb(NDManager block, NDArray zRow, NDArray offsetBias,
      PixelMlp mlp, int t0, int t1) {
    NDArray offsets = offsetBias.get(new NDIndex("{}:{}", t0, t1));
    offsets.attach(block);
    NDArray bias = offsets.reshape(t1 - t0, 1, mlp.firstWidth());
    bias.attach(block);
    NDArray pre = zRow.add(bias);
    pre.attach(block);
    NDArray rgb = mlp.finish(pre);
    rgb.attach(block);
    return rgb;
  }

  /**
   * All offsets of whole LR rows at once, put in raster order on the device, then added to
   * {@code out} sequentially (where {@code lightOnly} is 0, when given).
   */
  private void addRasterRows(NDManager chunk, NDArray zRow, NDArray offsetBias, PixelMlp mlp,
      int p0, int k, int regionWidth, byte[] lightOnly, float[] out, int plane) {
    int s2 = scale * scale;
    try (NDManager block = chunk.newSubManager()) {
      NDArray rgb = offsetsRgb(block, zRow, offsetBias, mlp, 0, s2);
      NDArray raster = hrRaster(rgb, k, regionWidth, 3);
      raster.attach(block);
      float[] v = hostFloats(raster);
      int band = v.length / 3;
      int at = p0 * s2; // first HR pixel of the band
      int pieces = (band + ADD_PIECE - 1) / ADD_PIECE;
      HostLoops.forEach(3 * pieces, hostParallel, j -> {
        int c = j / pieces;
        int i0 = (j % pieces) * ADD_PIECE;
        int i1 = Math.min(band, i0 + ADD_PIECE);
        int dst = c * plane + at;
        int src = c * band;
        if (lightOnly == null) {
          for (int i = i0; i < i1; i++) {
            out[dst + i] += v[src + i];
          }
        } else {
          for (int i = i0; i < i1; i++) {
            if (lightOnly[at + i] == 0) {
              out[dst + i] += v[src + i];
            }
          }
        }
      });
    }
  }

  /**
   * Both upsamplers on LR pixels [p0, p1) on the host, on this thread: the heavy one densely
   * where the chunk is heavy throughout; otherwise the light one densely (its result kept where
   * the flag is 0) and the heavy one on its gathered rows.
   */
  private void upsampleOnHost(PlanarFeatures planar, ChunkRoutes routes, int p0, int p1,
      int regionWidth, byte[] heavyFlags, float[] out, int hrW) {
    int k = p1 - p0;
    int[] corner = hrCorners(p0, p1, regionWidth, hrW);
    int plane = out.length / 3;
    if (routes.allHeavy()) {
      heavyOnHost.addTo(heavyOnHost.project(planar, p0, k), heavyOnHost.stride(k), k, scale,
          corner, hrW, null, out, plane);
      return;
    }
    if (routes.heavyCount() < routes.size()) {
      lightOnHost.addTo(lightOnHost.project(planar, p0, k), lightOnHost.stride(k), k, scale,
          corner, hrW, heavyFlags, out, plane);
    }
    ChunkRoutes.Path heavyRows = routes.heavy();
    if (heavyRows.size() > 0) {
      VectorMlp.Packed packed = heavyOnHost.projectRows(planar, p0, k, heavyRows.lrIndex());
      heavyOnHost.addGathered(packed.table(), packed.stride(), packed.rows(),
          heavyRows.offsetIndex(), heavyRows.hrIndex(), out, plane);
    }
  }

  /** One upsampler on the chunk rows routed to it; adds its RGB to {@code out}. */
  private void runPath(NDManager chunk, NDArray rows, PixelMlp mlp, NDArray offsetBias,
      ChunkRoutes.Path path, float[] out, int hrH, int hrW) {
    if (path.size() == 0) {
      return;
    }
    NDArray z = mlp.projectFeatures(rows);
    z.attach(chunk);
    NDArray lrIndex = chunk.create(path.lrIndex());
    NDArray offsetIndex = chunk.create(path.offsetIndex());
    int[] target = path.hrIndex();
    int plane = hrH * hrW;
    int rowsPerBlock = heavyBlockRows;
    for (int r0 = 0; r0 < target.length; r0 += rowsPerBlock) {
      int r1 = Math.min(target.length, r0 + rowsPerBlock);
      try (NDManager block = chunk.newSubManager()) {
        NDArray lrPart = lrIndex.get(new NDIndex("{}:{}", r0, r1));
        lrPart.attach(block);
        NDArray offsetPart = offsetIndex.get(new NDIndex("{}:{}", r0, r1));
        offsetPart.attach(block);
        NDArray pre = rowsAt(z, lrPart);
        pre.attach(block);
        NDArray bias = rowsAt(offsetBias, offsetPart);
        bias.attach(block);
        pre.addi(bias);
        NDArray rgb = mlp.finish(pre);
        rgb.attach(block);
        float[] v = hostFloats(rgb);
        for (int i = r0; i < r1; i++) {
          int at = target[i];
          int src = 3 * (i - r0);
          out[at] += v[src];
          out[plane + at] += v[src + 1];
          out[2 * plane + at] += v[src + 2];
        }
      }
    }
  }

  /**
   * HR raster index of the top-left sub-pixel of each LR pixel in [p0, p1): worked out once per
   * chunk, not once per offset (an integer division and a remainder per HR pixel otherwise).
   */
  private int[] hrCorners(int p0, int p1, int regionWidth, int hrWidth) {
    int[] corner = new int[p1 - p0];
    int y = p0 / regionWidth;
    int x = p0 % regionWidth;
    for (int q = 0; q < corner.length; q++) {
      corner[q] = y * scale * hrWidth + x * scale;
      if (++x == regionWidth) {
        x = 0;
        y++;
      }
    }
    return corner;
  }

  /**
   * Rows {@code index} of a 2-D table, as an embedding lookup: libtorch copies whole rows
   * (index_select), 2.7-3.6x faster here than advanced indexing ({@code table.get(index)}),
   * which goes element by element.
   */
  private static NDArray rowsAt(NDArray table, NDArray index) {
    return JniUtils.embedding((PtNDArray) index, (PtNDArray) table, false);
  }

  @Override public void close() {
    manager.close();
  }
}
