package io.pcsr.udf.spark;

import io.pcsr.udf.image.FloatImage;
import io.pcsr.udf.tiling.Box;
import io.pcsr.udf.tiling.Tile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The two row layouts the UDF speaks: tile records in (an LR tile with its halo, 8-bit pixels)
 * and tile results out (the HR core, its class map, probabilities and costs). Column positions
 * are fixed here and nowhere else.
 */
public final class TileRows {
  private TileRows() {}

  public static final StructType TILE = new StructType()
      .add("image_id", DataTypes.StringType, false)
      .add("lr_height", DataTypes.IntegerType, false)
      .add("lr_width", DataTypes.IntegerType, false)
      .add("tile_index", DataTypes.IntegerType, false)
      .add("tile_count", DataTypes.IntegerType, false)
      .add("core", box(), false)
      .add("input", box(), false)
      .add("region", box(), false)
      .add("bit_depth", DataTypes.IntegerType, false)
      // the input box, planar RGB, one byte per sample at 8 bits
      .add("pixels", DataTypes.BinaryType, false);

  public static final StructType RESULT = new StructType()
      .add("image_id", DataTypes.StringType, false)
      .add("tile_index", DataTypes.IntegerType, false)
      .add("tile_count", DataTypes.IntegerType, false)
      .add("scale", DataTypes.IntegerType, false)
      .add("core", box(), false)
      .add("input", box(), false)
      // HR core, planar RGB: 'u8' quantised (exact mode) or 'f32' little-endian (paper mode,
      // where overlaps are averaged before quantising, as the official code does)
      .add("sr", DataTypes.BinaryType, false)
      .add("sr_encoding", DataTypes.StringType, false)
      .add("heavy", DataTypes.BinaryType, false)
      .add("p_heavy", DataTypes.BinaryType, false)
      .add("heavy_pixels", DataTypes.LongType, false)
      .add("hr_pixels", DataTypes.LongType, false)
      .add("flops", DataTypes.DoubleType, false)
      .add("flops_paper", DataTypes.DoubleType, false)
      .add("backbone_ms", DataTypes.DoubleType, false)
      .add("classifier_ms", DataTypes.DoubleType, false)
      .add("routing_ms", DataTypes.DoubleType, false)
      .add("upsampling_ms", DataTypes.DoubleType, false)
      .add("executor", DataTypes.StringType, false)
      .add("device", DataTypes.StringType, false);

  public static StructType box() {
    return new StructType()
        .add("y", DataTypes.IntegerType, false)
        .add("x", DataTypes.IntegerType, false)
        .add("height", DataTypes.IntegerType, false)
        .add("width", DataTypes.IntegerType, false);
  }

  public static Row boxRow(Box b) {
    return new org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema(
        new Object[] {b.y(), b.x(), b.height(), b.width()}, box());
  }

  public static Box box(Row r) {
    return new Box(r.getInt(0), r.getInt(1), r.getInt(2), r.getInt(3));
  }

  /** A tile record: the input box of {@code image} as 8-bit planar bytes. */
  public static Row tile(String imageId, FloatImage image, Tile t, int tileCount) {
    Box in = t.input();
    FloatImage crop = image.crop(in.y(), in.x(), in.height(), in.width());
    float[] v = crop.data();
    byte[] px = new byte[v.length];
    for (int i = 0; i < v.length; i++) {
      px[i] = (byte) io.pcsr.udf.image.Quantizer.toUint8(v[i]);
    }
    return org.apache.spark.sql.RowFactory.create(imageId, image.height(), image.width(),
        t.index(), tileCount, boxRow(t.core()), boxRow(in), boxRow(t.region()), 8, px);
  }

  public static Tile tileOf(Row r) {
    return new Tile(r.getInt(3), box(r.getStruct(5)), box(r.getStruct(6)), box(r.getStruct(7)));
  }

  /** The tile's LR input pixels back as floats in [0,1]. */
  public static FloatImage pixelsOf(Row r) {
    Box in = box(r.getStruct(6));
    byte[] px = (byte[]) r.get(9);
    float[] v = new float[px.length];
    for (int i = 0; i < px.length; i++) {
      v[i] = (px[i] & 0xFF) / 255f;
    }
    return new FloatImage(3, in.height(), in.width(), v);
  }

  public static byte[] floatsToBytes(float[] v) {
    ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(v);
    return b.array();
  }

  public static float[] bytesToFloats(byte[] bytes) {
    float[] v = new float[bytes.length / 4];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
    return v;
  }
}
