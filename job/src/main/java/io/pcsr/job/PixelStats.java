package io.pcsr.job;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.posexplode;

import io.pcsr.udf.cost.PcsrCost;
import io.pcsr.udf.model.LayerCost;
import io.pcsr.udf.spark.TileRows;
import io.pcsr.udf.tiling.Box;
import java.io.Serializable;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * Tile results -> rows of the {@code pixels} table: one per output pixel ('full') or one per LR
 * pixel with its s x s output pixels summed ('lr'). Each row's FLOPs include its share of the
 * backbone, so that summing a table's rows gives the images' FLOPs.
 *
 * <p>A tile becomes one record of primitive arrays (no object per pixel), and Spark's own
 * generated code explodes it into rows and computes their columns: a 16000² image has 16 M LR
 * pixels, and building a Java Row for each was the job's largest cost after the model.
 */
public final class PixelStats {
  private PixelStats() {}

  /** One tile's per-pixel values, row-major over its core at the table's level. */
  public static final class TileArrays implements Serializable {
    private static final long serialVersionUID = 1L;
    private String imageId;
    private int x0;
    private int y0;
    private int width;
    private int[] heavy;
    private float[] pHeavy;

    public String getImageId() { return imageId; }
    public void setImageId(String imageId) { this.imageId = imageId; }
    public int getX0() { return x0; }
    public void setX0(int x0) { this.x0 = x0; }
    public int getY0() { return y0; }
    public void setY0(int y0) { this.y0 = y0; }
    public int getWidth() { return width; }
    public void setWidth(int width) { this.width = width; }
    /** Heavy output pixels per row of the table (0/1 at 'full', 0..s² at 'lr'). */
    public int[] getHeavy() { return heavy; }
    public void setHeavy(int[] heavy) { this.heavy = heavy; }
    public float[] getPHeavy() { return pHeavy; }
    public void setPHeavy(float[] pHeavy) { this.pHeavy = pHeavy; }
  }

  /** A tile result -> its arrays at the table's level. */
  static final class ToArrays implements MapFunction<Row, TileArrays> {
    private static final long serialVersionUID = 1L;
    private final boolean full;

    ToArrays(boolean full) {
      this.full = full;
    }

    /** The tile-result columns this function reads, in the order it reads them. */
    static final String[] COLUMNS = {"image_id", "scale", "core", "heavy", "p_heavy"};

    @Override public TileArrays call(Row r) {
      int s = r.getInt(1);
      Box core = TileRows.box(r.getStruct(2));
      byte[] flags = (byte[]) r.get(3);
      TileArrays t = new TileArrays();
      t.setImageId(r.getString(0));
      t.setPHeavy(TileRows.bytesToFloats((byte[]) r.get(4)));
      int hrW = core.width() * s;
      if (full) {
        int[] heavy = new int[flags.length];
        for (int i = 0; i < heavy.length; i++) {
          heavy[i] = flags[i];
        }
        t.setHeavy(heavy);
        t.setX0(core.x() * s);
        t.setY0(core.y() * s);
        t.setWidth(hrW);
        return t;
      }
      int[] heavy = new int[core.height() * core.width()];
      for (int y = 0; y < core.height() * s; y++) {
        int row = (y / s) * core.width();
        for (int x = 0; x < hrW; x++) {
          heavy[row + x / s] += flags[y * hrW + x];
        }
      }
      t.setHeavy(heavy);
      t.setX0(core.x());
      t.setY0(core.y());
      t.setWidth(core.width());
      return t;
    }
  }

  /**
   * The pixels table of a run's tile results. Failed tiles (no arrays) add no rows.
   *
   * @param level "full" or "lr"
   */
  public static Dataset<Row> table(Dataset<Row> results, String runId, String level,
      PcsrCost cost, int scale) {
    boolean full = "full".equals(level);
    int s2 = scale * scale;
    LayerCost backbonePerHr = cost.backbonePerLrPixel().times(1.0 / s2);
    LayerCost light = cost.pixel(false).plus(backbonePerHr);
    LayerCost heavy = cost.pixel(true).plus(backbonePerHr);
    int pixels = full ? 1 : s2;
    Column h = col("heavy");
    Column lightCount = lit(pixels).minus(h);
    Column pos = col("pos");
    Column width = col("width");
    // posexplode of one array, the other read by position: zipping both into structs first
    // cost an object per pixel
    // the columns first: a typed map hides from the optimiser which columns it reads, so
    // without the select every tile's HR pixels were read from the cache and copied to a
    // byte[] only to be ignored
    Column[] used = java.util.Arrays.stream(ToArrays.COLUMNS).map(functions::col)
        .toArray(Column[]::new);
    return results.filter(col("error").isNull()).select(used)
        .map(new ToArrays(full), Encoders.bean(TileArrays.class))
        .select(col("imageId"), col("x0"), col("y0"), width, col("pHeavy"),
            posexplode(col("heavy")).as(new String[] {"pos", "heavy"}))
        .select(lit(runId).as("run_id"), col("imageId").as("image_id"),
            lit(full ? "hr" : "lr").as("level"),
            col("x0").plus(pos.mod(width)).as("x"),
            col("y0").plus(functions.expr("pos div width").cast(DataTypes.IntegerType)).as("y"),
            lit(pixels).as("pixels"), h.as("heavy"),
            functions.element_at(col("pHeavy"), pos.plus(1)).as("p_heavy"),
            h.multiply(heavy.executed()).plus(lightCount.multiply(light.executed()))
                .cast(DataTypes.FloatType).as("flops"),
            h.multiply(heavy.paper()).plus(lightCount.multiply(light.paper()))
                .cast(DataTypes.FloatType).as("flops_paper"));
  }
}
