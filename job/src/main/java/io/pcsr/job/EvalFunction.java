package io.pcsr.job;

import ai.djl.pytorch.jni.JniUtils;
import io.pcsr.udf.cost.PcsrCost;
import io.pcsr.udf.image.FloatImage;
import io.pcsr.udf.image.ImageCodec;
import io.pcsr.udf.image.ImageMetrics;
import io.pcsr.udf.image.MatlabBicubic;
import io.pcsr.udf.infer.ModelCache;
import io.pcsr.udf.infer.OriginalUpscaler;
import io.pcsr.udf.infer.SrResult;
import io.pcsr.udf.infer.Upscaler;
import io.pcsr.udf.model.LayerCost;
import io.pcsr.udf.model.OriginalModel;
import io.pcsr.udf.spark.HadoopConf;
import io.pcsr.udf.spark.ModelFiles;
import java.io.InputStream;
import java.io.Serializable;
import java.net.URI;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HR image -> its rows of the {@code _eval} table, one per setting: the HR is cropped to a
 * multiple of the scale, shrunk by MATLAB-style bicubic in float (as the official evaluation
 * does, no quantisation), super-resolved as a whole image, and compared with the HR.
 * An unreadable image gives one 'failed' row; a setting that fails gives its own 'failed' row.
 */
public final class EvalFunction implements FlatMapFunction<Row, Row> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(EvalFunction.class);

  /** Input rows: where the HR image is, its id, its size in bytes. */
  public static final StructType INPUT = new StructType()
      .add("source", DataTypes.StringType, false)
      .add("image_id", DataTypes.StringType, false)
      .add("bytes", DataTypes.LongType, false);

  /** The {@code _eval} table (run_id is the partition column). */
  public static final StructType SCHEMA;

  static {
    DataType s = DataTypes.StringType;
    DataType i = DataTypes.IntegerType;
    DataType l = DataTypes.LongType;
    DataType d = DataTypes.DoubleType;
    DataType b = DataTypes.BooleanType;
    SCHEMA = new StructType()
        .add("run_id", s, false).add("image_id", s, false).add("source", s, false)
        .add("model", s, false).add("original_model", s, true).add("backbone", s, true)
        .add("method", s, true).add("setting", s, true).add("routing", s, true)
        .add("k", d, true).add("refine", b, true).add("scale", i, false)
        .add("width_hr", i, true).add("height_hr", i, true)
        .add("width_lr", i, true).add("height_lr", i, true)
        .add("pixels", l, true).add("heavy_pixels", l, true).add("heavy_share", d, true)
        .add("flops", d, true).add("flops_paper", d, true)
        .add("flops_all_heavy", d, true).add("flops_all_heavy_paper", d, true)
        .add("flops_original_paper", d, true)
        .add("psnr", d, true).add("psnr_y", d, true).add("ssim", d, true)
        .add("time_ms", d, true).add("backbone_ms", d, true).add("classifier_ms", d, true)
        .add("routing_ms", d, true).add("upsampling_ms", d, true)
        .add("executor", s, true).add("status", s, false)
        .add("error_class", s, true).add("error_message", s, true);
  }

  /** What every task needs; serialised to the executors. */
  public record Plan(String runId, String modelUri, String originalUri, int scale,
      List<EvalSetting> settings, boolean ssim, long maxPixels, int torchThreads,
      HadoopConf hadoop) implements Serializable {}

  private final Plan plan;

  public EvalFunction(Plan plan) {
    this.plan = plan;
  }

  @Override public Iterator<Row> call(Row in) {
    String source = in.getString(0);
    String id = in.getString(1);
    List<Row> out = new ArrayList<>();
    FloatImage hr;
    FloatImage lr;
    Upscaler up;
    try {
      hr = MatlabBicubic.cropToMultiple(ImageCodec.read(read(source), id, plan.maxPixels()),
          plan.scale());
      lr = MatlabBicubic.downscale(hr, plan.scale());
      up = new Upscaler(ModelCache.engine(ModelFiles.resolve(plan.modelUri(), plan.hadoop()),
          plan.scale()));
      // after the engine: the native library is loaded by then
      JniUtils.setNumThreads(plan.torchThreads() > 0 ? plan.torchThreads() : taskCpus());
    } catch (Exception | OutOfMemoryError | LinkageError e) {
      LOG.warn("eval: cannot prepare " + id + ": " + ErrorMessages.of(e));
      out.add(failed(source, id, null, null, e));
      return out.iterator();
    }
    PcsrCost cost = up.cost();
    String backbone = up.engine().model().backboneName();
    long lrPixels = (long) lr.height() * lr.width();
    long hrPixels = (long) hr.height() * hr.width();
    LayerCost allHeavy = cost.image(lrPixels, hrPixels);
    double original = Double.NaN;
    OriginalUpscaler base = null;
    try {
      if (plan.originalUri() != null) {
        OriginalModel m = ModelCache.original(ModelFiles.resolve(plan.originalUri(), plan.hadoop()));
        base = new OriginalUpscaler(m);
        original = m.costPerLrPixel().paper() * lrPixels;
      } else if (!"srresnet".equals(backbone)) {
        original = OriginalModel.standardCostPerLrPixel(backbone).paper() * lrPixels;
      }
    } catch (RuntimeException e) {
      LOG.warn("eval: cannot load the original model: " + ErrorMessages.of(e));
    }
    Geometry g = new Geometry(hr.width(), hr.height(), lr.width(), lr.height(), hrPixels,
        allHeavy, original, backbone);
    String executor = SparkEnv.get() != null ? SparkEnv.get().executorId() : "local";
    for (EvalSetting s : plan.settings()) {
      try {
        SrResult r;
        if (s.original()) {
          if (base == null) {
            throw new IllegalStateException("the original model could not be loaded");
          }
          r = base.upscale(lr);
        } else {
          r = up.upscale(lr, s.policy(), s.refine());
        }
        double psnr = ImageMetrics.psnr(r.image(), hr, plan.scale());
        double psnrY = ImageMetrics.psnrY(r.image(), hr, plan.scale());
        Double ssim = plan.ssim() ? ImageMetrics.ssim(r.image(), hr, plan.scale()) : null;
        LOG.info(String.format(java.util.Locale.ROOT,
            "eval %s %-18s PSNR %.4f dB  heavy %6s  %.3f GFLOPs  %.0f ms", id, s.name(), psnr,
            s.original() ? "-" : String.format(java.util.Locale.ROOT, "%.1f%%",
                100 * r.heavyFraction()), r.flops().paper() / 1e9, r.nanos() / 1e6));
        out.add(ok(source, id, s, g, r, psnr, psnrY, ssim, executor));
      } catch (Exception | OutOfMemoryError e) {
        LOG.warn("eval: " + id + " " + s.name() + " failed: " + ErrorMessages.of(e));
        out.add(failed(source, id, s, g, e));
      }
    }
    return out.iterator();
  }

  private record Geometry(int wHr, int hHr, int wLr, int hLr, long pixels, LayerCost allHeavy,
      double original, String backbone) {}

  private Row ok(String source, String id, EvalSetting s, Geometry g, SrResult r, double psnr,
      double psnrY, Double ssim, String executor) {
    boolean orig = s.original();
    SrResult.StageNanos st = r.stageNanos();
    return RowFactory.create(plan.runId(), id, source, ModelFiles.redact(plan.modelUri()),
        plan.originalUri() == null ? null : ModelFiles.redact(plan.originalUri()), g.backbone(),
        orig ? "original" : "pcsr", s.name(), s.routing(), s.k(), orig ? null : s.refine(),
        plan.scale(), g.wHr(), g.hHr(), g.wLr(), g.hLr(), g.pixels(),
        orig ? null : r.heavyPixels(), orig ? null : r.heavyFraction(),
        r.flops().executed(), r.flops().paper(), g.allHeavy().executed(), g.allHeavy().paper(),
        Double.isNaN(g.original()) ? null : g.original(), psnr, psnrY, ssim, r.nanos() / 1e6,
        orig ? null : st.backbone() / 1e6, orig ? null : st.classifier() / 1e6,
        orig ? null : st.routing() / 1e6, orig ? null : st.upsampling() / 1e6, executor, "ok",
        null, null);
  }

  private Row failed(String source, String id, EvalSetting s, Geometry g, Throwable e) {
    boolean orig = s != null && s.original();
    return RowFactory.create(plan.runId(), id, source, ModelFiles.redact(plan.modelUri()),
        plan.originalUri() == null ? null : ModelFiles.redact(plan.originalUri()),
        g == null ? null : g.backbone(), s == null ? null : orig ? "original" : "pcsr",
        s == null ? null : s.name(), s == null ? null : s.routing(), s == null ? null : s.k(),
        s == null || orig ? null : s.refine(), plan.scale(),
        g == null ? null : g.wHr(), g == null ? null : g.hHr(), g == null ? null : g.wLr(),
        g == null ? null : g.hLr(), g == null ? null : g.pixels(), null, null, null, null,
        g == null ? null : g.allHeavy().executed(), g == null ? null : g.allHeavy().paper(),
        g == null || Double.isNaN(g.original()) ? null : g.original(), null, null, null, null,
        null, null, null, null, null, "failed", e.getClass().getName(), ErrorMessages.of(e));
  }

  private byte[] read(String source) throws java.io.IOException {
    URI uri = URI.create(source);
    FileSystem fs = FileSystem.get(uri, plan.hadoop().get());
    try (InputStream in = fs.open(new Path(uri))) {
      return in.readAllBytes();
    }
  }

  private static int taskCpus() {
    TaskContext tc = TaskContext.get();
    return tc != null ? Math.max(1, tc.cpus()) : 1;
  }
}
