package io.pcsr.job;

import static org.apache.spark.sql.functions.col;

import io.pcsr.udf.cost.PcsrCost;
import io.pcsr.udf.model.LayerCost;
import io.pcsr.udf.spark.HadoopConf;
import io.pcsr.udf.spark.TileRows;
import io.pcsr.udf.tiling.Box;
import java.io.IOException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.hadoop.CodecFactory;
import org.apache.parquet.hadoop.ColumnChunkPageWriteStore;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The {@code pixels} table: one row per output pixel ('full') or one per LR pixel with its s x s
 * output pixels summed ('lr'), under {@code _stats/pixels/run_id=R/}. Each row's FLOPs include
 * its share of the backbone, so that summing a table's rows gives the images' FLOPs.
 *
 * <p>Each task writes its partition's rows into one Parquet file with parquet-mr directly, from
 * the tiles' primitive arrays. Spark's own writer went through an exploded row per pixel and
 * cost 1.7 us of executor time per row; this path about 0.4 (docs/PERFORMANCE.md, ninth stop).
 * A file is written under a hidden temporary name and renamed to {@code part-NNNNN-R.parquet}
 * after the partition: a retried task rewrites the same name, so a lost executor adds no rows.
 */
public final class PixelStats {
  private PixelStats() {}

  /** The tile-result columns the writer reads, in the order it reads them. */
  static final String[] COLUMNS = {"image_id", "scale", "core", "heavy", "p_heavy"};

  /** One row per file written: its name and its rows. */
  static final StructType WRITTEN = new StructType()
      .add("file", DataTypes.StringType, false).add("rows", DataTypes.LongType, false);

  /** The file schema; run_id is the folder's partition value, as for Spark's tables. */
  static final MessageType SCHEMA = Types.buildMessage()
      .optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("image_id")
      .optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("level")
      .required(PrimitiveTypeName.INT32).named("x")
      .required(PrimitiveTypeName.INT32).named("y")
      .required(PrimitiveTypeName.INT32).named("pixels")
      .required(PrimitiveTypeName.INT32).named("heavy")
      .required(PrimitiveTypeName.FLOAT).named("p_heavy")
      .required(PrimitiveTypeName.FLOAT).named("flops")
      .required(PrimitiveTypeName.FLOAT).named("flops_paper")
      .named("spark_schema");

  /**
   * Writes the pixels table of a run's tile results; failed tiles (no arrays) add no rows.
   *
   * @param level "full" or "lr"
   * @param codec Parquet compression codec name, as {@code spark.sql.parquet.compression.codec}
   * @return rows written
   */
  public static long write(Dataset<Row> results, String output, String runId, String level,
      PcsrCost cost, int scale, HadoopConf hadoop, String codec) {
    Column[] used = java.util.Arrays.stream(COLUMNS).map(functions::col).toArray(Column[]::new);
    RowCosts costs = RowCosts.of(cost, scale, "full".equals(level));
    List<Row> files = results.filter(col("error").isNull()).select(used)
        .mapPartitions(new PartitionWriter(OutputPaths.stats(output, "pixels") + "/run_id=" + runId,
            runId, costs, new OutputFiles(hadoop, runId), hadoop, codec),
            Encoders.row(WRITTEN))
        .collectAsList();
    return files.stream().mapToLong(r -> r.getLong(1)).sum();
  }

  /**
   * What one table row costs, from its heavy count: FLOPs of its heavy and light output pixels
   * plus their share of the backbone.
   */
  record RowCosts(boolean full, int pixels, LayerCost light, LayerCost heavy)
      implements java.io.Serializable {
    static RowCosts of(PcsrCost cost, int scale, boolean full) {
      int s2 = scale * scale;
      LayerCost backbonePerHr = cost.backbonePerLrPixel().times(1.0 / s2);
      return new RowCosts(full, full ? 1 : s2, cost.pixel(false).plus(backbonePerHr),
          cost.pixel(true).plus(backbonePerHr));
    }

    float executed(int heavyPixels) {
      return (float) (heavyPixels * heavy.executed() + (pixels - heavyPixels) * light.executed());
    }

    float paper(int heavyPixels) {
      return (float) (heavyPixels * heavy.paper() + (pixels - heavyPixels) * light.paper());
    }
  }

  /** One tile's rows at the table's level, row-major over its core. */
  static final class TileRowsAtLevel {
    Binary imageId;
    int x0;
    int y0;
    int width;
    int[] heavy;
    float[] pHeavy;

    static TileRowsAtLevel of(Row r, boolean full) {
      return of(r.getString(0), r.getInt(1), TileRows.box(r.getStruct(2)), (byte[]) r.get(3),
          TileRows.bytesToFloats((byte[]) r.get(4)), full);
    }

    /**
     * @param flags class per core HR pixel
     * @param pHeavy p_heavy per row of the table: per core HR pixel ('full') or LR pixel
     */
    static TileRowsAtLevel of(String imageId, int s, Box core, byte[] flags, float[] pHeavy,
        boolean full) {
      TileRowsAtLevel t = new TileRowsAtLevel();
      t.imageId = Binary.fromString(imageId);
      t.pHeavy = pHeavy;
      int hrW = core.width() * s;
      if (full) {
        t.heavy = new int[flags.length];
        for (int i = 0; i < flags.length; i++) {
          t.heavy[i] = flags[i];
        }
        t.x0 = core.x() * s;
        t.y0 = core.y() * s;
        t.width = hrW;
        return t;
      }
      t.heavy = new int[core.height() * core.width()];
      for (int y = 0; y < core.height() * s; y++) {
        int row = (y / s) * core.width();
        for (int x = 0; x < hrW; x++) {
          t.heavy[row + x / s] += flags[y * hrW + x];
        }
      }
      t.x0 = core.x();
      t.y0 = core.y();
      t.width = core.width();
      return t;
    }
  }

  /**
   * One Parquet file of table rows, written tile by tile straight into parquet-mr's column
   * writers, a row at a time in {@link #SCHEMA}'s order. The record layer (a WriteSupport
   * behind a ParquetWriter) took about 460 ns per row in a harness on the ninth stop's machine,
   * this path about 310: this table has millions of rows per run and nothing but flat columns.
   */
  static final class FileRows implements java.io.Closeable {
    /** Rows between checks of the buffered size, as parquet-mr's own writer does. */
    private static final int SIZE_CHECK_ROWS = 10_000;
    /** A row group is written once its buffered pages reach this many bytes (Spark's default). */
    static final long ROW_GROUP_BYTES = 128L << 20;

    private final ParquetFileWriter file;
    private final ParquetProperties props;
    private final CodecFactory codecs;
    private final CodecFactory.BytesCompressor compressor;
    private final RowCosts costs;
    private final Binary level;
    private final long rowGroupBytes;
    private ColumnChunkPageWriteStore pages;
    private ColumnWriteStore store;
    private ColumnWriter[] columns;
    private long rows;
    private long groupRows;
    private boolean closed;

    FileRows(OutputFile out, RowCosts costs, String codec, Configuration conf) throws IOException {
      this(out, costs, codec, conf, ROW_GROUP_BYTES);
    }

    FileRows(OutputFile out, RowCosts costs, String codec, Configuration conf, long rowGroupBytes)
        throws IOException {
      this.costs = costs;
      this.rowGroupBytes = rowGroupBytes;
      this.level = Binary.fromString(costs.full() ? "hr" : "lr");
      // p_heavy has about as many values as rows: its dictionary only fills and falls back
      this.props = ParquetProperties.builder().withDictionaryEncoding("p_heavy", false).build();
      this.file = new ParquetFileWriter(out, SCHEMA, ParquetFileWriter.Mode.OVERWRITE,
          rowGroupBytes, ParquetWriter.MAX_PADDING_SIZE_DEFAULT);
      this.codecs = new CodecFactory(conf, props.getPageSizeThreshold());
      this.compressor = codecs.getCompressor(compression(codec));
      file.start();
      startRowGroup();
    }

    private void startRowGroup() {
      pages = new ColumnChunkPageWriteStore(compressor, SCHEMA, props.getAllocator(),
          props.getColumnIndexTruncateLength(), props.getPageWriteChecksumEnabled());
      store = props.newColumnWriteStore(SCHEMA, pages, pages);
      columns = SCHEMA.getColumns().stream().map(store::getColumnWriter)
          .toArray(ColumnWriter[]::new);
      groupRows = 0;
    }

    private void endRowGroup() throws IOException {
      if (groupRows > 0) {
        file.startBlock(groupRows);
        store.flush();
        pages.flushToFileWriter(file);
        file.endBlock();
      }
      store.close();
      pages.close();
    }

    void add(TileRowsAtLevel t) throws IOException {
      // the two string columns are optional (as Spark writes them): definition level 1
      ColumnWriter imageId = columns[0];
      ColumnWriter levels = columns[1];
      ColumnWriter x = columns[2];
      ColumnWriter y = columns[3];
      ColumnWriter pixels = columns[4];
      ColumnWriter heavyCount = columns[5];
      ColumnWriter pHeavy = columns[6];
      ColumnWriter flops = columns[7];
      ColumnWriter flopsPaper = columns[8];
      for (int pos = 0; pos < t.heavy.length; pos++) {
        int heavy = t.heavy[pos];
        imageId.write(t.imageId, 0, 1);
        levels.write(level, 0, 1);
        x.write(t.x0 + pos % t.width, 0, 0);
        y.write(t.y0 + pos / t.width, 0, 0);
        pixels.write(costs.pixels(), 0, 0);
        heavyCount.write(heavy, 0, 0);
        pHeavy.write(t.pHeavy[pos], 0, 0);
        flops.write(costs.executed(heavy), 0, 0);
        flopsPaper.write(costs.paper(heavy), 0, 0);
        store.endRecord();
        if (++groupRows % SIZE_CHECK_ROWS == 0 && store.getBufferedSize() >= rowGroupBytes) {
          endRowGroup();
          startRowGroup();
          // the new group's writers
          imageId = columns[0];
          levels = columns[1];
          x = columns[2];
          y = columns[3];
          pixels = columns[4];
          heavyCount = columns[5];
          pHeavy = columns[6];
          flops = columns[7];
          flopsPaper = columns[8];
        }
      }
      rows += t.heavy.length;
    }

    long rows() {
      return rows;
    }

    /** Writes the last row group and the footer. */
    @Override public void close() throws IOException {
      if (closed) {
        return;
      }
      closed = true;
      try {
        endRowGroup();
        file.end(new HashMap<>());
      } finally {
        codecs.release();
      }
    }
  }

  /** A partition's tile results -> one Parquet file of their rows (none for no rows). */
  static final class PartitionWriter implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private final String folder;
    private final String runId;
    private final RowCosts costs;
    private final OutputFiles files;
    private final HadoopConf hadoop;
    private final String codec;

    PartitionWriter(String folder, String runId, RowCosts costs, OutputFiles files,
        HadoopConf hadoop, String codec) {
      this.folder = folder;
      this.runId = runId;
      this.costs = costs;
      this.files = files;
      this.hadoop = hadoop;
      this.codec = codec;
    }

    @Override public Iterator<Row> call(Iterator<Row> tiles) throws IOException {
      if (!tiles.hasNext()) {
        return java.util.Collections.emptyIterator();
      }
      TaskContext task = TaskContext.get();
      int partition = task == null ? 0 : task.partitionId();
      String target = String.format("%s/part-%05d-%s%s.parquet", folder, partition, runId,
          compression(codec).getExtension());
      long[] rows = {0};
      files.writeVia(target, tmp -> {
        try (FileRows file = new FileRows(HadoopOutputFile.fromPath(tmp, hadoop.get()), costs,
            codec, hadoop.get())) {
          while (tiles.hasNext()) {
            file.add(TileRowsAtLevel.of(tiles.next(), costs.full()));
          }
          rows[0] = file.rows();
        }
      });
      return List.of(RowFactory.create(target, rows[0])).iterator();
    }
  }

  /** Spark's name of a Parquet codec ({@code spark.sql.parquet.compression.codec}) -> parquet-mr's. */
  static CompressionCodecName compression(String sparkName) {
    String name = sparkName.trim().toUpperCase(java.util.Locale.ROOT);
    return "NONE".equals(name) ? CompressionCodecName.UNCOMPRESSED
        : CompressionCodecName.valueOf(name);
  }
}
