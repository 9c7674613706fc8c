package io.pcsr.job;

import io.pcsr.udf.cost.PcsrCost;
import io.pcsr.udf.model.OriginalModel;
import io.pcsr.udf.spark.ModelFiles;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The images table's rows, made on the driver from the assembled images' rows
 * ({@link ImageAssembler#OUTPUT}, collected there anyway for the run's outcome) and the run's
 * inputs: a join of the two in Spark cost a shuffle and two more jobs per run for a table of
 * one row per image.
 */
final class ImagesTable {
  static final StructType SCHEMA = schema();

  private final JobConfig cfg;
  private final String backbone;
  private final double perLrAllHeavy;
  private final double perLrAllHeavyPaper;
  private final double perLrOriginal;

  ImagesTable(JobConfig cfg, PcsrCost cost, String backbone) {
    this.cfg = cfg;
    this.backbone = backbone;
    long s2 = (long) cfg.scale() * cfg.scale();
    this.perLrAllHeavy = cost.image(1, s2).executed();
    this.perLrAllHeavyPaper = cost.image(1, s2).paper();
    this.perLrOriginal = "srresnet".equals(backbone) ? Double.NaN
        : OriginalModel.standardCostPerLrPixel(backbone).paper();
  }

  /**
   * One row per assembled image that has an input row ({@link DecodeStage#INPUT}: source,
   * rel_path, bytes), matched by relative path, in the assembled rows' order.
   */
  List<Row> rows(List<Row> assembled, List<Row> inputs) {
    Map<String, Row> byPath = new HashMap<>();
    for (Row in : inputs) {
      byPath.put(in.getString(1), in);
    }
    List<Row> rows = new ArrayList<>(assembled.size());
    for (Row a : assembled) {
      Row in = byPath.get(a.<String>getAs("image_id"));
      if (in != null) {
        rows.add(row(a, in));
      }
    }
    return rows;
  }

  private Row row(Row a, Row in) {
    Integer widthIn = a.getAs("width_in");
    Integer heightIn = a.getAs("height_in");
    Double lrPixels = widthIn == null || heightIn == null ? null : (double) widthIn * heightIn;
    // with its schema: the run's outcome reads its images' fields by name
    return new GenericRowWithSchema(new Object[] {cfg.runId(), a.getAs("image_id"),
        in.getString(0), a.getAs("output"), in.getLong(2), widthIn, heightIn,
        a.getAs("width_out"), a.getAs("height_out"), cfg.scale(), a.getAs("bit_depth"), ModelFiles.redact(cfg.model()), backbone,
        cfg.routing().describe(), cfg.refine(), cfg.paperMode() ? "paper" : "exact",
        a.getAs("tiles"), a.getAs("pixels"), a.getAs("heavy_pixels"), a.getAs("heavy_share"),
        a.getAs("flops"), a.getAs("flops_paper"), times(lrPixels, perLrAllHeavy),
        times(lrPixels, perLrAllHeavyPaper), times(lrPixels, perLrOriginal),
        a.getAs("backbone_ms"), a.getAs("classifier_ms"), a.getAs("routing_ms"),
        a.getAs("upsampling_ms"), a.getAs("write_ms"), a.getAs("status"),
        a.getAs("error_class"), a.getAs("error_message"), a.getAs("format"), a.getAs("layout"),
        a.getAs("sample_type"), a.getAs("bands"), a.getAs("converted_from"),
        a.getAs("output_format")}, SCHEMA);
  }

  private static Double times(Double lrPixels, double perLrPixel) {
    return lrPixels == null ? null : lrPixels * perLrPixel;
  }

  private static StructType schema() {
    DataType s = DataTypes.StringType;
    DataType i = DataTypes.IntegerType;
    DataType l = DataTypes.LongType;
    DataType d = DataTypes.DoubleType;
    DataType b = DataTypes.BooleanType;
    return new StructType()
        .add("run_id", s).add("image_id", s).add("source", s).add("output", s)
        .add("source_bytes", l).add("width_in", i).add("height_in", i).add("width_out", i)
        .add("height_out", i).add("scale", i).add("bit_depth", i).add("model", s)
        .add("backbone", s).add("routing", s).add("refine", b).add("tile_mode", s)
        .add("tiles", i).add("pixels", l).add("heavy_pixels", l).add("heavy_share", d)
        .add("flops", d).add("flops_paper", d).add("flops_all_heavy", d)
        .add("flops_all_heavy_paper", d).add("flops_original_paper", d).add("backbone_ms", d)
        .add("classifier_ms", d).add("routing_ms", d).add("upsampling_ms", d).add("write_ms", d)
        .add("status", s).add("error_class", s).add("error_message", s)
        .add("format", s).add("layout", s).add("sample_type", s).add("bands", i)
        .add("converted_from", s).add("output_format", s);
  }
}
