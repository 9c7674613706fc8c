package io.pcsr.udf.spark;

import io.pcsr.udf.image.DecodedRaster;
import io.pcsr.udf.image.ImageFormat;
import io.pcsr.udf.image.RasterHeader;
import io.pcsr.udf.image.RasterLayout;
import io.pcsr.udf.image.SampleType;
import io.pcsr.udf.image.Samples;
import io.pcsr.udf.infer.BandRoles;
import io.pcsr.udf.tiling.Box;
import io.pcsr.udf.tiling.Tile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The two row layouts the UDF speaks: tile records in (an LR tile with its halo, all bands as stored)
 * and tile results out (the HR core, its class map, probabilities and costs). Column positions
 * are fixed here and nowhere else.
 */
public final class TileRows {
  private TileRows() {}

  /** The raster header struct's column, in both layouts. */
  public static final String HEADER = "raster";

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
      // the input box, all bands, planar, in the stored sample type (little-endian); null until
      // a region-decoded tile is read (see the decode stage)
      .add("pixels", DataTypes.BinaryType, true)
      .add("source", DataTypes.StringType, false)
      .add(HEADER, header(), false)
      // 0-based bands fed to the model's R, G, B inputs, e.g. "2,1,0"
      .add("model_bands", DataTypes.StringType, false)
      // why the tile's region could not be decoded (pixels stay null); the image then fails
      .add("error", DataTypes.StringType, true);

  public static final StructType RESULT = new StructType()
      .add("image_id", DataTypes.StringType, false)
      .add("tile_index", DataTypes.IntegerType, false)
      .add("tile_count", DataTypes.IntegerType, false)
      .add("scale", DataTypes.IntegerType, false)
      .add("core", box(), false)
      .add("input", box(), false)
      // HR core, all bands, planar: exact mode quantised to the source type (sr_encoding is its
      // code: u8, u16, i16, f32), or already the output TIFF's tile bytes ('tiff-tile') when
      // the output is streamed; paper mode 'unit-f32', [0,1]-space floats, little-endian,
      // because overlaps are averaged before quantising, as the official code does
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
      .add("device", DataTypes.StringType, false)
      .add(HEADER, header(), false)
      // a tile that could not be decoded: its message, with every array above empty
      .add("error", DataTypes.StringType, true);

  /** Index of the raster header struct in both layouts. */
  public static final int TILE_HEADER = 11;
  public static final int RESULT_HEADER = 20;
  public static final int TILE_ERROR = 13;
  public static final int RESULT_ERROR = 21;

  /** sr_encoding of paper-mode results: [0,1]-space floats, quantised after averaging. */
  public static final String UNIT_F32 = "unit-f32";

  /** sr_encoding of a tile already encoded as its output TIFF tile (see TiffStreaming). */
  public static final String TIFF_TILE = "tiff-tile";

  /** What the source raster is: enough for the reduce stage to write its twin. */
  public static StructType header() {
    return new StructType()
        .add("format", DataTypes.StringType, false)
        .add("layout", DataTypes.StringType, false)
        .add("sample_type", DataTypes.StringType, false)
        .add("bands", DataTypes.IntegerType, false)
        .add("width", DataTypes.IntegerType, false)
        .add("height", DataTypes.IntegerType, false)
        .add("converted_from", DataTypes.StringType, false)
        .add("tiff_fields", DataTypes.BinaryType, false);
  }

  public static Row headerRow(RasterHeader h) {
    return new org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema(new Object[] {
        h.format().imageIoName(), h.layout().code(), h.type().code(), h.bands(), h.width(),
        h.height(), h.convertedFrom(), h.tiffFields()}, header());
  }

  public static RasterHeader header(Row r) {
    return new RasterHeader(ImageFormat.fromName(r.getString(0)),
        RasterLayout.fromCode(r.getString(1)), SampleType.fromCode(r.getString(2)), r.getInt(3),
        r.getInt(4), r.getInt(5), r.getString(6), (byte[]) r.get(7));
  }

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

  /** A tile record: the input box of a decoded raster, all bands in their stored type. */
  public static Row tile(String imageId, String source, DecodedRaster raster, BandRoles roles,
      Tile t, int tileCount) {
    Box in = t.input();
    Samples crop = raster.samples().crop(in.y(), in.x(), in.height(), in.width());
    return tileRow(imageId, source, raster.header(), roles, t, tileCount, crop.toBytes());
  }

  /** A tile record whose pixels are decoded later, from the source, by region. */
  public static Row deferredTile(String imageId, String source, RasterHeader header,
      BandRoles roles, Tile t, int tileCount) {
    return tileRow(imageId, source, header, roles, t, tileCount, null);
  }

  private static Row tileRow(String imageId, String source, RasterHeader header, BandRoles roles,
      Tile t, int tileCount, byte[] pixels) {
    return org.apache.spark.sql.RowFactory.create(imageId, header.height(), header.width(),
        t.index(), tileCount, boxRow(t.core()), boxRow(t.input()), boxRow(t.region()),
        header.type().bits(), pixels, source, headerRow(header),
        Arrays.stream(roles.modelBands()).mapToObj(Integer::toString)
            .collect(java.util.stream.Collectors.joining(",")), null);
  }

  /** The same record with its pixels filled in. */
  public static Row withPixels(Row tile, byte[] pixels) {
    return with(tile, 9, pixels);
  }

  /** The same record marked as undecodable: the UDF passes it on, the image then fails. */
  public static Row withError(Row tile, String message) {
    return with(tile, TILE_ERROR, message);
  }

  private static Row with(Row tile, int column, Object value) {
    Object[] v = new Object[tile.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = tile.get(i);
    }
    v[column] = value;
    return org.apache.spark.sql.RowFactory.create(v);
  }

  /** The result row of a tile that was never processed (see {@link #withError}). */
  public static Row failedResult(Row tile, String executor, String device) {
    return org.apache.spark.sql.RowFactory.create(tile.getString(0), tile.getInt(3),
        tile.getInt(4), 0, tile.getStruct(5), tile.getStruct(6), new byte[0], "error",
        new byte[0], new byte[0], 0L, 0L, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, executor, device,
        tile.getStruct(TILE_HEADER), tile.getString(TILE_ERROR));
  }

  public static Tile tileOf(Row r) {
    return new Tile(r.getInt(3), box(r.getStruct(5)), box(r.getStruct(6)), box(r.getStruct(7)));
  }

  public static RasterHeader headerOf(Row tile) {
    return header(tile.getStruct(TILE_HEADER));
  }

  public static BandRoles rolesOf(Row tile) {
    RasterHeader h = headerOf(tile);
    int[] bands = Arrays.stream(tile.getString(12).split(",")).mapToInt(Integer::parseInt)
        .toArray();
    return BandRoles.of(h.layout(), h.bands(), bands);
  }

  /** The tile's LR input samples, all bands, as stored. */
  public static Samples samplesOf(Row r) {
    Box in = box(r.getStruct(6));
    RasterHeader h = headerOf(r);
    byte[] px = (byte[]) r.get(9);
    if (px == null) {
      throw new IllegalStateException("tile " + r.getInt(3) + " of " + r.getString(0)
          + " has no pixels: its region was never decoded");
    }
    return Samples.fromBytes(h.type(), h.bands(), in.height(), in.width(), px);
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
