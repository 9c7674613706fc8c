package io.pcsr.job;

import io.pcsr.udf.cost.PcsrCost;
import io.pcsr.udf.model.LayerCost;
import io.pcsr.udf.spark.TileRows;
import io.pcsr.udf.tiling.Box;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Tile results -> rows of the {@code pixels} table: one per output pixel ('full') or one per LR
 * pixel with its s x s output pixels summed ('lr'). Each row's FLOPs include its share of the
 * backbone, so that summing a table's rows gives the images' FLOPs.
 */
public final class PixelStats implements FlatMapFunction<Row, Row> {
  private static final long serialVersionUID = 1L;

  public static final StructType SCHEMA = new StructType()
      .add("run_id", DataTypes.StringType, false)
      .add("image_id", DataTypes.StringType, false)
      .add("level", DataTypes.StringType, false)
      .add("x", DataTypes.IntegerType, false)
      .add("y", DataTypes.IntegerType, false)
      .add("pixels", DataTypes.IntegerType, false)
      .add("heavy", DataTypes.IntegerType, false)
      .add("p_heavy", DataTypes.FloatType, false)
      .add("flops", DataTypes.FloatType, false)
      .add("flops_paper", DataTypes.FloatType, false);

  private final String runId;
  private final String level;
  private final PcsrCost cost;

  public PixelStats(String runId, String level, PcsrCost cost) {
    this.runId = runId;
    this.level = level;
    this.cost = cost;
  }

  @Override public Iterator<Row> call(Row r) {
    String id = r.getString(0);
    int s = r.getInt(3);
    Box core = TileRows.box(r.getStruct(4));
    byte[] heavy = (byte[]) r.get(8);
    float[] p = TileRows.bytesToFloats((byte[]) r.get(9));
    LayerCost backbonePerHr = cost.backbonePerLrPixel().times(1.0 / (s * s));
    LayerCost light = cost.pixel(false).plus(backbonePerHr);
    LayerCost heavyCost = cost.pixel(true).plus(backbonePerHr);
    int hrW = core.width() * s;
    List<Row> out = new ArrayList<>();
    if ("full".equals(level)) {
      for (int y = 0; y < core.height() * s; y++) {
        for (int x = 0; x < hrW; x++) {
          int i = y * hrW + x;
          LayerCost c = heavy[i] != 0 ? heavyCost : light;
          out.add(RowFactory.create(runId, id, "hr", core.x() * s + x, core.y() * s + y, 1,
              (int) heavy[i], p[i], (float) c.executed(), (float) c.paper()));
        }
      }
      return out.iterator();
    }
    for (int y = 0; y < core.height(); y++) {
      for (int x = 0; x < core.width(); x++) {
        int h = 0;
        for (int dy = 0; dy < s; dy++) {
          for (int dx = 0; dx < s; dx++) {
            h += heavy[(y * s + dy) * hrW + x * s + dx];
          }
        }
        LayerCost c = heavyCost.times(h).plus(light.times(s * s - h));
        out.add(RowFactory.create(runId, id, "lr", core.x() + x, core.y() + y, s * s, h,
            p[y * core.width() + x], (float) c.executed(), (float) c.paper()));
      }
    }
    return out.iterator();
  }
}
