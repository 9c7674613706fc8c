package io.pcsr.job;

import io.pcsr.udf.spark.HadoopConf;
import io.pcsr.udf.spark.TileRows;
import java.io.IOException;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.schema.MessageType;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The {@code tiles} table: one row per tile, written by each model task into its partition's
 * file under {@code _stats/tiles/run_id=R/} as results come out of the engine, as the
 * {@code pixels} table is. Through Spark it was a query of its own per run, whose job also had
 * to drive the model stage. The file names come from the partition, so a retried task replaces
 * its file.
 */
final class TilesTable implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  /** The file's columns; run_id is the folder's partition value. */
  static final StructType SCHEMA = schema();

  private static final int IMAGE_ID = TileRows.RESULT.fieldIndex("image_id");
  private static final int TILE_INDEX = TileRows.RESULT.fieldIndex("tile_index");
  private static final int CORE = TileRows.RESULT.fieldIndex("core");
  private static final int INPUT = TileRows.RESULT.fieldIndex("input");
  /** The result's fields that the row copies as they are, in the row's order after the boxes. */
  private static final int[] COPIED = java.util.stream.Stream.of("hr_pixels", "heavy_pixels",
      "flops", "flops_paper", "backbone_ms", "classifier_ms", "routing_ms", "upsampling_ms",
      "executor", "device").mapToInt(TileRows.RESULT::fieldIndex).toArray();

  private final String output;
  private final String runId;
  private final OutputFiles files;
  private final HadoopConf hadoop;
  private final String codec;

  /** @param codec Parquet compression codec name, as {@code spark.sql.parquet.compression.codec} */
  TilesTable(String output, String runId, HadoopConf hadoop, String codec) {
    this.output = output;
    this.runId = runId;
    this.files = new OutputFiles(hadoop, runId);
    this.hadoop = hadoop;
    this.codec = codec;
    PixelStats.compression(codec); // an unknown codec fails on the driver, before any task runs
  }

  /** The file of one partition: the same name on every attempt, so a retry replaces it. */
  TaskFile forPartition(int partition) {
    return new TaskFile(OutputPaths.statsPart(output, "tiles", runId, partition,
        PixelStats.compression(codec).getExtension()));
  }

  /** A tile result ({@code TileRows.RESULT}) as a row of {@link #SCHEMA}. */
  static Row row(Row result) {
    Row core = result.getStruct(CORE);
    Row input = result.getStruct(INPUT);
    // boxes are (y, x, height, width)
    Object[] v = new Object[SCHEMA.length()];
    v[0] = result.getString(IMAGE_ID);
    v[1] = result.getInt(TILE_INDEX);
    for (int i = 0; i < 4; i++) {
      v[2 + i] = core.getInt(i);
    }
    v[6] = input.getInt(2);
    v[7] = input.getInt(3);
    for (int i = 0; i < COPIED.length; i++) {
      v[8 + i] = result.get(COPIED[i]);
    }
    return RowFactory.create(v);
  }

  /**
   * One task's file, opened at its first tile (a partition of none writes no file) and renamed
   * to its final name by {@link #publish()}; {@link #abandon()} removes it when the task fails.
   */
  final class TaskFile {
    private final String target;
    private OutputFiles.Pending pending;
    private ParquetWriter<Group> writer;
    private SimpleGroupFactory groups;

    private TaskFile(String target) {
      this.target = target;
    }

    void add(Row result) throws IOException {
      if (writer == null) {
        MessageType parquet = DriverTables.parquetSchema(SCHEMA, -1);
        pending = files.begin(target);
        writer = DriverTables.writer(pending.temporary(), hadoop.get(), parquet, codec);
        groups = new SimpleGroupFactory(parquet);
      }
      writer.write(DriverTables.group(groups.newGroup(), SCHEMA, -1, row(result)));
    }

    void publish() throws IOException {
      if (writer != null) {
        writer.close();
        writer = null;
        pending.publish();
      }
    }

    void abandon() {
      if (writer != null) {
        try {
          writer.close();
        } catch (IOException | RuntimeException ignored) {
          // the file is deleted below either way
        }
        writer = null;
        pending.discard();
      }
    }
  }

  private static StructType schema() {
    DataType s = DataTypes.StringType;
    DataType i = DataTypes.IntegerType;
    DataType l = DataTypes.LongType;
    DataType d = DataTypes.DoubleType;
    return new StructType().add("image_id", s).add("tile_index", i).add("y", i).add("x", i)
        .add("height", i).add("width", i).add("input_height", i).add("input_width", i)
        .add("pixels", l).add("heavy_pixels", l).add("flops", d).add("flops_paper", d)
        .add("backbone_ms", d).add("classifier_ms", d).add("routing_ms", d)
        .add("upsampling_ms", d).add("executor", s).add("device", s);
  }
}
