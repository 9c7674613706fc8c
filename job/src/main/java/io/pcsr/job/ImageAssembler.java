package io.pcsr.job;

import io.pcsr.udf.image.ClassMapOverlay;
import io.pcsr.udf.image.FloatImage;
import io.pcsr.udf.image.ImageCodec;
import io.pcsr.udf.image.ImageFormat;
import io.pcsr.udf.image.RasterHeader;
import io.pcsr.udf.image.RasterLayout;
import io.pcsr.udf.image.RasterWriter;
import io.pcsr.udf.image.Samples;
import io.pcsr.udf.image.tiff.TiffStreaming;
import io.pcsr.udf.image.tiff.TiledTiffWriter;
import io.pcsr.udf.image.tiff.UpscaledTiffLayout;
import io.pcsr.udf.infer.BandRoles;
import io.pcsr.udf.spark.HadoopConf;
import io.pcsr.udf.spark.ModelFiles;
import io.pcsr.udf.spark.TileRows;
import io.pcsr.udf.tiling.Box;
import io.pcsr.udf.tiling.Stitcher;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapGroupsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reduce stage: all tile results of one image -> the upscaled image in the input's format,
 * sample type and band layout, written atomically (a temporary name, then a rename), plus the
 * image's row of statistics. TIFF outputs (and outputs above the tiled-TIFF threshold) are
 * streamed: each tile goes into its own TIFF tile as it arrives, so the image is never whole in
 * memory. A failure becomes a row with status 'failed' and the reason; the job goes on.
 */
public final class ImageAssembler implements MapGroupsFunction<String, Row, Row> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(ImageAssembler.class);
  /** Tile side of TIFFs assembled in memory (paper mode, odd tile sizes). */
  private static final int IN_MEMORY_TIFF_TILE = 256;

  /** Per-image results of the reduce stage (joined with the input listing on the driver). */
  public static final StructType OUTPUT = new StructType()
      .add("image_id", DataTypes.StringType, false)
      .add("output", DataTypes.StringType, true)
      .add("width_in", DataTypes.IntegerType, true)
      .add("height_in", DataTypes.IntegerType, true)
      .add("width_out", DataTypes.IntegerType, true)
      .add("height_out", DataTypes.IntegerType, true)
      .add("tiles", DataTypes.IntegerType, false)
      .add("pixels", DataTypes.LongType, false)
      .add("heavy_pixels", DataTypes.LongType, false)
      .add("heavy_share", DataTypes.DoubleType, false)
      .add("flops", DataTypes.DoubleType, false)
      .add("flops_paper", DataTypes.DoubleType, false)
      .add("backbone_ms", DataTypes.DoubleType, false)
      .add("classifier_ms", DataTypes.DoubleType, false)
      .add("routing_ms", DataTypes.DoubleType, false)
      .add("upsampling_ms", DataTypes.DoubleType, false)
      .add("write_ms", DataTypes.DoubleType, false)
      .add("status", DataTypes.StringType, false)
      .add("error_class", DataTypes.StringType, true)
      .add("error_message", DataTypes.StringType, true)
      .add("format", DataTypes.StringType, true)
      .add("layout", DataTypes.StringType, true)
      .add("sample_type", DataTypes.StringType, true)
      .add("bit_depth", DataTypes.IntegerType, true)
      .add("bands", DataTypes.IntegerType, true)
      .add("converted_from", DataTypes.StringType, true)
      .add("output_format", DataTypes.StringType, true);

  private final String outputRoot;
  private final OutputFiles files;
  private final boolean overlay;
  private final TiffStreaming streaming;
  private final int scale;
  private final boolean paperMode;

  public ImageAssembler(String outputRoot, String runId, HadoopConf hadoop, boolean overlay,
      TiffStreaming streaming) {
    this.outputRoot = outputRoot;
    this.files = new OutputFiles(hadoop, runId);
    this.overlay = overlay;
    this.streaming = streaming;
    this.scale = streaming.scale();
    this.paperMode = streaming.paperMode();
  }

  /** Per-image sums of the tile statistics. */
  private static final class Totals {
    int tiles;
    long pixels;
    long heavy;
    double flops;
    double paper;
    final double[] ms = new double[4];

    void add(Row r) {
      tiles++;
      heavy += r.getLong(10);
      pixels += r.getLong(11);
      flops += r.getDouble(12);
      paper += r.getDouble(13);
      for (int i = 0; i < 4; i++) {
        ms[i] += r.getDouble(14 + i);
      }
    }
  }

  @Override public Row call(String imageId, Iterator<Row> tiles) {
    long t0 = System.nanoTime();
    Totals totals = new Totals();
    Row first = tiles.next();
    RasterHeader header = TileRows.header(first.getStruct(TileRows.RESULT_HEADER));
    int expected = first.getInt(2);
    int hIn = header.height();
    int wIn = header.width();
    int hOut = hIn * scale;
    int wOut = wIn * scale;
    String outputFormat = null;
    try {
      boolean huge = streaming.huge(header);
      if (huge && paperMode) {
        throw new IllegalArgumentException(wOut + "x" + hOut + " output pixels exceed "
            + PcsrConf.TILED_TIFF_PIXELS + "=" + streaming.tiledTiffPixels() + "; paper mode "
            + "stitches overlapping patches in memory, so huge outputs need exact tiles");
      }
      if (huge && !streaming.streams(header)) {
        throw new IllegalArgumentException("a streamed TIFF needs tile size x scale to be a "
            + "multiple of 16, got " + streaming.tileSize() + " x " + scale + "; set "
            + PcsrConf.TILE_SIZE + " accordingly (e.g. 256)");
      }
      String out;
      if (streaming.streams(header)) {
        String target = OutputPaths.images(outputRoot, imageId)
            + (header.format() == ImageFormat.TIFF ? "" : ".tif");
        streamTiff(target, header, first, tiles, totals, expected);
        if (overlay) {
          LOG.warn("no overlay for " + imageId + ": it was streamed tile by tile");
        }
        out = target;
        outputFormat = huge ? "bigtiff" : "tiff";
      } else {
        List<Row> rows = collect(first, tiles, totals, expected);
        Box extent = paperMode ? extent(rows) : new Box(0, 0, hIn, wIn);
        hOut = extent.height() * scale;
        wOut = extent.width() * scale;
        // paper mode averages overlapping patches in a stitcher, which also keeps the class
        // map; exact mode pastes disjoint tiles and stitches only the class map, for an overlay
        Stitcher st = paperMode ? stitch(rows, header.bands(), hOut, wOut)
            : overlay ? stitch(rows, 0, hOut, wOut) : null;
        Samples whole = paperMode
            ? BandRoles.quantize(st.image(), header.type(), header.bands(), hOut, wOut)
            : pasteExact(rows, header, hOut, wOut);
        out = OutputPaths.images(outputRoot, imageId);
        writeWhole(out, header, whole);
        if (overlay) {
          files.write(OutputPaths.overlay(outputRoot, imageId),
              overlayPng(whole, header, st.heavyShare()));
        }
        outputFormat = header.format().imageIoName();
      }
      double secs = (System.nanoTime() - t0) / 1e9 + sum(totals.ms) / 1e3;
      LOG.info(String.format("finished %s  %dx%d -> %dx%d %s  heavy %.1f%%  %.2f GFLOPs  %.1f s",
          imageId, wIn, hIn, wOut, hOut, header.describe(),
          100.0 * totals.heavy / Math.max(1, totals.pixels), totals.flops / 1e9, secs));
      return row(imageId, ModelFiles.redact(out), wIn, hIn, wOut, hOut, totals, t0, "ok", null,
          null, header, outputFormat);
    } catch (IOException | RuntimeException | OutOfMemoryError e) {
      tiles.forEachRemaining(totals::add);
      LOG.warn("failed " + imageId + ": " + ErrorMessages.of(e));
      return row(imageId, null, wIn, hIn, wOut, hOut, totals, t0, "failed",
          e.getClass().getName(), ErrorMessages.of(e), header, outputFormat);
    }
  }

  /**
   * Rows of {@link #OUTPUT} as collected on the driver, with the schema that reading them by
   * name needs. Executors leave it out: it would travel with every row.
   */
  static List<Row> withSchema(List<Row> rows) {
    List<Row> named = new ArrayList<>(rows.size());
    for (Row r : rows) {
      named.add(new GenericRowWithSchema(RowValues.of(r, r.length()), OUTPUT));
    }
    return named;
  }

  private Row row(String id, String out, int wIn, int hIn, int wOut, int hOut, Totals t, long t0,
      String status, String errorClass, String message, RasterHeader h, String outputFormat) {
    return RowFactory.create(id, out, wIn, hIn, wOut, hOut, t.tiles, t.pixels, t.heavy,
        t.pixels == 0 ? 0.0 : (double) t.heavy / t.pixels, t.flops, t.paper, t.ms[0], t.ms[1],
        t.ms[2], t.ms[3], (System.nanoTime() - t0) / 1e6, status, errorClass, message,
        h.format().imageIoName(), h.layout().code(), h.type().code(), h.type().bits(), h.bands(),
        h.convertedFrom().isEmpty() ? null : h.convertedFrom(), outputFormat);
  }

  /**
   * Each exact-mode tile owns one TIFF tile (its HR core is side x side, cut at the edges), so
   * tiles are written in whatever order the shuffle delivers them and only one is in memory.
   */
  private void streamTiff(String target, RasterHeader header, Row first, Iterator<Row> rest,
      Totals totals, int expected) throws IOException {
    java.nio.file.Path local = files.localFileFor(target);
    TiledTiffWriter writer = null;
    try {
      writer = TiledTiffWriter.open(local, streaming.layout(header));
      Row r = first;
      while (r != null) {
        totals.add(r);
        failIfUndecoded(r);
        Box core = TileRows.box(r.getStruct(4));
        byte[] sr = (byte[]) r.get(6);
        if (TileRows.TIFF_TILE.equals(r.getString(7))) {
          writer.writeEncodedTile(streaming.tileRow(core), streaming.tileCol(core), sr);
        } else {
          writer.writeTile(streaming.tileRow(core), streaming.tileCol(core), Samples.fromBytes(
              header.type(), header.bands(), core.height() * scale, core.width() * scale, sr));
        }
        r = rest.hasNext() ? rest.next() : null;
      }
      if (totals.tiles != expected) {
        throw new IllegalStateException("got " + totals.tiles + " of " + expected + " tiles");
      }
      writer.close();
      writer = null;
      files.publish(target, local);
      local = null;
    } finally {
      if (writer != null) {
        try {
          writer.close();
        } catch (IOException | RuntimeException ignored) {
          // the incomplete file is discarded below; the first failure is the one reported
        }
      }
      OutputFiles.discard(local);
    }
  }

  private static List<Row> collect(Row first, Iterator<Row> rest, Totals totals, int expected) {
    List<Row> rows = new ArrayList<>();
    rows.add(first);
    rest.forEachRemaining(rows::add);
    rows.forEach(totals::add);
    for (Row r : rows) {
      failIfUndecoded(r);
    }
    if (rows.size() != expected) {
      throw new IllegalStateException("got " + rows.size() + " of " + expected + " tiles");
    }
    return rows;
  }

  private static void failIfUndecoded(Row r) {
    if (!r.isNullAt(TileRows.RESULT_ERROR)) {
      throw new IllegalStateException(r.getString(TileRows.RESULT_ERROR));
    }
  }

  private void writeWhole(String target, RasterHeader header, Samples whole) throws IOException {
    if (header.format() != ImageFormat.TIFF) {
      files.write(target, RasterWriter.encode(whole, header.format(), header.layout()));
      return;
    }
    java.nio.file.Path local = files.localFileFor(target);
    try {
      TiledTiffWriter.write(local, UpscaledTiffLayout.of(header, scale, whole.width(),
          whole.height(), IN_MEMORY_TIFF_TILE, false), whole);
      files.publish(target, local);
      local = null;
    } finally {
      OutputFiles.discard(local);
    }
  }

  /** The LR rectangle the tiles cover (the paper grid drops the image's ragged edge). */
  private static Box extent(List<Row> rows) {
    int h = 0;
    int w = 0;
    for (Row r : rows) {
      Box c = TileRows.box(r.getStruct(4));
      h = Math.max(h, c.y() + c.height());
      w = Math.max(w, c.x() + c.width());
    }
    return new Box(0, 0, h, w);
  }

  /** Exact mode: tiles own disjoint cores, so their samples go straight into the raster. */
  private Samples pasteExact(List<Row> rows, RasterHeader header, int h, int w) {
    Samples whole = Samples.allocate(header.type(), header.bands(), h, w);
    long covered = 0;
    for (Row r : rows) {
      Box b = TileRows.box(r.getStruct(4)).scaled(scale);
      whole.paste(Samples.fromBytes(header.type(), header.bands(), b.height(), b.width(),
          (byte[]) r.get(6)), b.y(), b.x());
      covered += (long) b.height() * b.width();
    }
    if (covered != (long) h * w) {
      throw new IllegalStateException("tiles cover " + covered + " of " + (long) h * w
          + " output pixels");
    }
    return whole;
  }

  /**
   * All tiles summed per output pixel, overlaps (paper mode) averaged: the [0,1]-space values
   * of {@code channels} bands (0: only the class map) and the share of heavy decisions.
   */
  private Stitcher stitch(List<Row> rows, int channels, int h, int w) {
    Stitcher st = new Stitcher(channels, h, w);
    float[] none = new float[0];
    for (Row r : rows) {
      st.add(TileRows.box(r.getStruct(4)).scaled(scale),
          channels == 0 ? none : TileRows.bytesToFloats((byte[]) r.get(6)), (byte[]) r.get(8));
    }
    if (st.uncovered() > 0) {
      throw new IllegalStateException(st.uncovered() + " output pixels not covered by any tile");
    }
    return st;
  }

  /**
   * The paper figure's view: the output tinted by class (the mean class where patches
   * overlap). Gray and multi-band outputs are shown through their first band(s).
   */
  private static byte[] overlayPng(Samples whole, RasterHeader header, float[] heavyShare)
      throws IOException {
    int h = whole.height();
    int w = whole.width();
    int plane = h * w;
    boolean colour = header.bands() >= 3 && header.layout() != RasterLayout.GRAY_ALPHA;
    float[] rgb = new float[3 * plane];
    for (int c = 0; c < 3; c++) {
      System.arraycopy(whole.normalizedBand(colour ? c : 0), 0, rgb, c * plane, plane);
    }
    return ImageCodec.encode(ClassMapOverlay.render(new FloatImage(3, h, w, rgb), heavyShare),
        ImageFormat.PNG);
  }

  private static double sum(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return s;
  }
}
