package io.pcsr.job;

import io.pcsr.udf.cost.PcsrCost;
import io.pcsr.udf.model.LayerCost;
import io.pcsr.udf.spark.HadoopConf;
import io.pcsr.udf.spark.TileRows;
import io.pcsr.udf.tiling.Box;
import java.io.IOException;
import java.util.HashMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.column.values.ValuesWriter;
import org.apache.parquet.column.values.dictionary.DictionaryValuesWriter;
import org.apache.parquet.column.values.factory.DefaultV1ValuesWriterFactory;
import org.apache.parquet.column.values.factory.ValuesWriterFactory;
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
import org.apache.spark.sql.Row;

/**
 * The {@code pixels} table: one row per output pixel ('full') or one per LR pixel with its s x s
 * output pixels summed ('lr'), under {@code _stats/pixels/run_id=R/}. Each row's FLOPs include
 * its share of the backbone, so that summing a table's rows gives the images' FLOPs.
 *
 * <p>Each model task writes its partition's rows into one Parquet file with parquet-mr directly,
 * from the tiles' primitive arrays, as its results come out of the engine. Spark's own writer
 * went through an exploded row per pixel and cost 1.7 us of executor time per row; this path
 * about 0.4 (docs/PERFORMANCE.md, ninth stop).
 * A file is written under a hidden temporary name and renamed to {@code part-NNNNN-R.parquet}
 * after the partition: a retried task rewrites the same name, so a lost executor adds no rows.
 */
public final class PixelStats {
  private PixelStats() {}

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

  /**
   * A string column's value backed by an array. {@code Binary.fromString} gives one backed by a
   * byte buffer, whose hash and comparisons (the dictionary's and the statistics', at every
   * row) read it a byte at a time: 284 against 265 ns per row in a harness, with the loop below.
   */
  static Binary constant(String value) {
    return Binary.fromConstantByteArray(value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /** One tile's rows at the table's level, row-major over its core. */
  static final class TileRowsAtLevel {
    Binary imageId;
    int x0;
    int y0;
    int width;
    int[] heavy;
    float[] pHeavy;

    /** The rows of a tile result row ({@code TileRows.RESULT}). */
    static TileRowsAtLevel ofResult(Row r, boolean full) {
      return of(r.getString(IMAGE_ID), r.getInt(SCALE), TileRows.box(r.getStruct(CORE)),
          (byte[]) r.get(HEAVY), TileRows.bytesToFloats((byte[]) r.get(P_HEAVY)), full);
    }

    private static final int IMAGE_ID = TileRows.RESULT.fieldIndex("image_id");
    private static final int SCALE = TileRows.RESULT.fieldIndex("scale");
    private static final int CORE = TileRows.RESULT.fieldIndex("core");
    private static final int HEAVY = TileRows.RESULT.fieldIndex("heavy");
    private static final int P_HEAVY = TileRows.RESULT.fieldIndex("p_heavy");

    /**
     * @param flags class per core HR pixel
     * @param pHeavy p_heavy per row of the table: per core HR pixel ('full') or LR pixel
     */
    static TileRowsAtLevel of(String imageId, int s, Box core, byte[] flags, float[] pHeavy,
        boolean full) {
      TileRowsAtLevel t = new TileRowsAtLevel();
      t.imageId = constant(imageId);
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
      int lrW = core.width();
      t.heavy = new int[core.height() * lrW];
      for (int y = 0; y < core.height() * s; y++) {
        int row = (y / s) * lrW;
        for (int x = 0, at = y * hrW; x < lrW; x++) {
          int sum = 0;
          for (int dx = 0; dx < s; dx++, at++) {
            sum += flags[at];
          }
          t.heavy[row + x] += sum;
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
      this.level = constant(costs.full() ? "hr" : "lr");
      // p_heavy has about as many values as rows: its dictionary only fills and falls back
      this.props = ParquetProperties.builder().withDictionaryEncoding("p_heavy", false)
          .withValuesWriterFactory(new DictionariesWithoutFallback()).build();
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

  /**
   * Dictionary encoding for the columns that have it, without parquet-mr's fallback wrapper.
   * The wrapper asks its dictionary at every value whether it has grown too large, through
   * calls that the JIT cannot inline with three kinds of dictionary in one file. These
   * columns cannot grow one: a file's image ids and levels, pixels per row, heavy counts 0 to
   * s², their FLOPs, and coordinates up to its images' sizes. In a harness (3.69 M rows, same
   * bytes written): 200-203 ns per row against 232-240 with the wrapper.
   */
  static final class DictionariesWithoutFallback implements ValuesWriterFactory {
    private final DefaultV1ValuesWriterFactory defaults = new DefaultV1ValuesWriterFactory();
    private ParquetProperties props;

    @Override public void initialize(ParquetProperties properties) {
      this.props = properties;
      defaults.initialize(properties);
    }

    @Override public ValuesWriter newValuesWriter(ColumnDescriptor column) {
      if (!props.isDictionaryEnabled(column)) {
        return defaults.newValuesWriter(column);
      }
      // format v1's dictionary encoding, as the default factory gives it
      Encoding encoding = Encoding.PLAIN_DICTIONARY;
      int max = props.getDictionaryPageSizeThreshold();
      return switch (column.getPrimitiveType().getPrimitiveTypeName()) {
        case INT32 -> new DictionaryValuesWriter.PlainIntegerDictionaryValuesWriter(max,
            encoding, encoding, props.getAllocator());
        case FLOAT -> new DictionaryValuesWriter.PlainFloatDictionaryValuesWriter(max,
            encoding, encoding, props.getAllocator());
        case BINARY -> new DictionaryValuesWriter.PlainBinaryDictionaryValuesWriter(max,
            encoding, encoding, props.getAllocator());
        default -> defaults.newValuesWriter(column);
      };
    }
  }

  /**
   * Where a run's pixels files go and how their rows are made: all that a model task needs to
   * write its partition's file (serialised with the task, so it holds no open resources).
   */
  static final class TableFiles implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private final String output;
    private final String runId;
    private final RowCosts costs;
    private final OutputFiles files;
    private final HadoopConf hadoop;
    private final String codec;

    /**
     * @param level "full" or "lr"
     * @param codec Parquet compression codec name, as {@code spark.sql.parquet.compression.codec}
     */
    TableFiles(String output, String runId, String level, PcsrCost cost, int scale,
        HadoopConf hadoop, String codec) {
      this.output = output;
      this.runId = runId;
      this.costs = RowCosts.of(cost, scale, "full".equals(level));
      this.files = new OutputFiles(hadoop, runId);
      this.hadoop = hadoop;
      this.codec = codec;
      compression(codec); // an unknown codec fails on the driver, before any task runs
    }

    /** The file of one partition: the same name on every attempt, so a retry replaces it. */
    TaskFile forPartition(int partition) {
      return new TaskFile(this, OutputPaths.statsPart(output, "pixels", runId, partition,
          compression(codec).getExtension()));
    }
  }

  /**
   * One task's file of rows, opened at its first tile with arrays (a partition of none writes
   * no file) and renamed to its final name by {@link #publish()}. Until then it has a hidden
   * temporary name, which {@link #abandon()} removes when the task fails.
   */
  static final class TaskFile {
    private final TableFiles table;
    private final String target;
    private OutputFiles.Pending pending;
    private FileRows rows;

    private TaskFile(TableFiles table, String target) {
      this.table = table;
      this.target = target;
    }

    /** Adds the rows of one tile result ({@code TileRows.RESULT}); failed tiles add none. */
    void add(Row result) throws IOException {
      if (!result.isNullAt(TileRows.RESULT_ERROR)) {
        return;
      }
      if (rows == null) {
        pending = table.files.begin(target);
        rows = new FileRows(HadoopOutputFile.fromPath(pending.temporary(), table.hadoop.get()),
            table.costs, table.codec, table.hadoop.get());
      }
      rows.add(TileRowsAtLevel.ofResult(result, table.costs.full()));
    }

    /** Finishes the file and gives it its final name; returns the rows written. */
    long publish() throws IOException {
      if (rows == null) {
        return 0;
      }
      rows.close();
      pending.publish();
      long n = rows.rows();
      rows = null;
      pending = null;
      return n;
    }

    /** Drops an unfinished file; nothing once published. */
    void abandon() {
      if (rows != null) {
        try {
          rows.close();
        } catch (IOException | RuntimeException ignored) {
          // the file is deleted below either way
        }
        pending.discard();
        rows = null;
        pending = null;
      }
    }
  }

  /** Spark's name of a Parquet codec ({@code spark.sql.parquet.compression.codec}) -> parquet-mr's. */
  static CompressionCodecName compression(String sparkName) {
    String name = sparkName.trim().toUpperCase(java.util.Locale.ROOT);
    return "NONE".equals(name) ? CompressionCodecName.UNCOMPRESSED
        : CompressionCodecName.valueOf(name);
  }
}
