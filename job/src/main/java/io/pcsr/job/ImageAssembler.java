package io.pcsr.job;

import io.pcsr.udf.image.FloatImage;
import io.pcsr.udf.image.ImageCodec;
import io.pcsr.udf.image.ImageFormat;
import io.pcsr.udf.spark.HadoopConf;
import io.pcsr.udf.spark.TileRows;
import io.pcsr.udf.tiling.Box;
import io.pcsr.udf.tiling.Stitcher;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.MapGroupsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reduce stage: all tile results of one image -> stitched HR image, encoded in the input's
 * format and written atomically (a temporary name, then a rename), plus the image's row of
 * statistics. A failure becomes a row with status 'failed' and the reason; the job goes on.
 */
public final class ImageAssembler implements MapGroupsFunction<String, Row, Row> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(ImageAssembler.class);

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
      .add("error_message", DataTypes.StringType, true);

  private final String outputRoot;
  private final String runId;
  private final HadoopConf hadoop;
  private final boolean overlay;

  public ImageAssembler(String outputRoot, String runId, HadoopConf hadoop, boolean overlay) {
    this.outputRoot = outputRoot;
    this.runId = runId;
    this.hadoop = hadoop;
    this.overlay = overlay;
  }

  @Override public Row call(String imageId, Iterator<Row> tiles) {
    long t0 = System.nanoTime();
    List<Row> rows = new ArrayList<>();
    tiles.forEachRemaining(rows::add);
    long pixels = 0;
    long heavy = 0;
    double flops = 0;
    double paper = 0;
    double[] ms = new double[4];
    for (Row r : rows) {
      heavy += r.getLong(10);
      pixels += r.getLong(11);
      flops += r.getDouble(12);
      paper += r.getDouble(13);
      for (int i = 0; i < 4; i++) {
        ms[i] += r.getDouble(14 + i);
      }
    }
    int expected = rows.get(0).getInt(2);
    String out = null;
    int hIn = 0;
    int wIn = 0;
    int hOut = 0;
    int wOut = 0;
    try {
      if (rows.size() != expected) {
        throw new IllegalStateException("got " + rows.size() + " of " + expected + " tiles");
      }
      int s = rows.get(0).getInt(3);
      Box extent = extent(rows);
      hIn = extent.height();
      wIn = extent.width();
      hOut = hIn * s;
      wOut = wIn * s;
      ImageFormat format = ImageFormat.fromPath(java.nio.file.Path.of(imageId));
      // exact mode's 8-bit tiles go straight into the raster; float tiles (paper mode) and the
      // overlay need the averaged float image, stitched once for both
      Stitcher stitched = !allQuantized(rows) || overlay ? stitch(rows, s, hOut, wOut) : null;
      byte[] encoded = allQuantized(rows) ? encodeDisjoint(rows, s, hOut, wOut, format)
          : ImageCodec.encode(new FloatImage(3, hOut, wOut, stitched.image()), format);
      out = OutputPaths.images(outputRoot, imageId);
      writeAtomically(out, encoded);
      if (overlay) {
        writeAtomically(OutputPaths.overlay(outputRoot, imageId), overlayPng(stitched));
      }
      double secs = (System.nanoTime() - t0) / 1e9 + (ms[0] + ms[1] + ms[2] + ms[3]) / 1e3;
      LOG.info(String.format("finished %s  %dx%d -> %dx%d  heavy %.1f%%  %.2f GFLOPs  %.1f s",
          imageId, wIn, hIn, wOut, hOut, 100.0 * heavy / Math.max(1, pixels), flops / 1e9, secs));
      return row(imageId, io.pcsr.udf.spark.ModelFiles.redact(out), wIn, hIn, wOut, hOut,
          rows.size(), pixels, heavy, flops, paper, ms, t0, "ok", null, null);
    } catch (IOException | RuntimeException e) {
      LOG.warn("failed " + imageId + ": " + ErrorMessages.of(e));
      return row(imageId, null, wIn, hIn, wOut, hOut, rows.size(), pixels, heavy, flops, paper,
          ms, t0, "failed", e.getClass().getName(), ErrorMessages.of(e));
    }
  }

  private Row row(String id, String out, int wIn, int hIn, int wOut, int hOut, int tiles,
      long pixels, long heavy, double flops, double paper, double[] ms, long t0, String status,
      String errorClass, String message) {
    return RowFactory.create(id, out, wIn, hIn, wOut, hOut, tiles, pixels, heavy,
        pixels == 0 ? 0.0 : (double) heavy / pixels, flops, paper, ms[0], ms[1], ms[2], ms[3],
        (System.nanoTime() - t0) / 1e6, status, errorClass, message);
  }

  /** The LR rectangle the tiles cover (the whole image, or the paper grid's crop). */
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

  private static boolean allQuantized(List<Row> rows) {
    return rows.stream().allMatch(r -> "u8".equals(r.getString(7)));
  }

  /** Exact mode: tiles own disjoint cores, so their bytes go straight into the raster. */
  private static byte[] encodeDisjoint(List<Row> rows, int s, int h, int w, ImageFormat format)
      throws IOException {
    byte[] planar = new byte[3 * h * w];
    long covered = 0;
    int plane = h * w;
    for (Row r : rows) {
      Box b = TileRows.box(r.getStruct(4)).scaled(s);
      byte[] sr = (byte[]) r.get(6);
      int tilePlane = b.height() * b.width();
      for (int c = 0; c < 3; c++) {
        for (int y = 0; y < b.height(); y++) {
          System.arraycopy(sr, c * tilePlane + y * b.width(), planar,
              c * plane + (b.y() + y) * w + b.x(), b.width());
        }
      }
      covered += tilePlane;
    }
    if (covered != plane) {
      throw new IllegalStateException("tiles cover " + covered + " of " + plane + " output pixels");
    }
    return ImageCodec.encodeBytes(planar, 3, h, w, format);
  }

  /** All tiles summed into one float image; overlaps (paper mode) average, then quantise once. */
  private static Stitcher stitch(List<Row> rows, int s, int h, int w) {
    Stitcher st = new Stitcher(3, h, w);
    for (Row r : rows) {
      st.add(TileRows.box(r.getStruct(4)).scaled(s), values(r), (byte[]) r.get(8));
    }
    if (st.uncovered() > 0) {
      throw new IllegalStateException(st.uncovered() + " output pixels not covered by any tile");
    }
    return st;
  }

  /** The paper figure's view: the output tinted by class (mean class where patches overlap). */
  private static byte[] overlayPng(Stitcher st) throws IOException {
    FloatImage sr = new FloatImage(3, st.height(), st.width(), st.image());
    return ImageCodec.encode(io.pcsr.udf.image.ClassMapOverlay.render(sr, st.heavyShare()),
        ImageFormat.PNG);
  }

  private static float[] values(Row r) {
    byte[] sr = (byte[]) r.get(6);
    if ("f32".equals(r.getString(7))) {
      return TileRows.bytesToFloats(sr);
    }
    float[] v = new float[sr.length];
    for (int i = 0; i < sr.length; i++) {
      v[i] = (sr[i] & 0xFF) / 255f;
    }
    return v;
  }

  /** Temporary file beside the target, then a rename: no partial file under the final name. */
  private void writeAtomically(String target, byte[] bytes) throws IOException {
    Path dst = new Path(URI.create(target));
    FileSystem fs = FileSystem.get(dst.toUri(), hadoop.get());
    fs.setWriteChecksum(false); // no .crc side files next to users' images on local disks
    fs.mkdirs(dst.getParent());
    Path tmp = new Path(dst.getParent(), "._" + dst.getName() + "." + runId + ".tmp");
    try (OutputStream o = fs.create(tmp, true)) {
      o.write(bytes);
    }
    if (fs.exists(dst) && !fs.delete(dst, false)) {
      throw new IOException("cannot replace " + target);
    }
    if (!fs.rename(tmp, dst)) {
      fs.delete(tmp, false);
      throw new IOException("cannot rename " + tmp + " to " + target);
    }
  }
}
