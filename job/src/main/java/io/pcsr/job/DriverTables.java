package io.pcsr.job;

import io.pcsr.udf.spark.HadoopConf;
import java.io.IOException;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The run's small tables whose rows the driver holds (images, errors, runs: a row per image or
 * per run), written by the driver with parquet-mr into {@code _stats/TABLE/run_id=R/}, the
 * layout Spark's partitioned writer gives. Through Spark each was a query to plan, a job and a
 * commit: with them the time after the model stage was 0.34-0.45 s of a bench-job run, without
 * them 0.07-0.09 s (docs/PERFORMANCE.md, thirteenth stop). The model tasks' tiles table uses
 * the same {@link #writer}.
 *
 * <p>A run's file has a fixed name, written under a temporary name and renamed, so a rerun with
 * the same run id replaces its rows instead of adding them twice.
 */
final class DriverTables {
  private final String output;
  private final String runId;
  private final HadoopConf hadoop;
  private final String codec;

  /** @param codec Parquet compression codec name, as {@code spark.sql.parquet.compression.codec} */
  DriverTables(String output, String runId, HadoopConf hadoop, String codec) {
    this.output = output;
    this.runId = runId;
    this.hadoop = hadoop;
    this.codec = codec;
  }

  /**
   * Writes {@code rows} of {@code schema} as the run's file of {@code table}. The schema's
   * {@code run_id} column, if any, becomes the folder's partition value, as in Spark's layout.
   */
  void write(String table, StructType schema, List<Row> rows) throws IOException {
    int runIdColumn = java.util.Arrays.asList(schema.fieldNames()).indexOf("run_id");
    MessageType parquet = parquetSchema(schema, runIdColumn);
    String target = OutputPaths.statsPart(output, table, runId, 0,
        PixelStats.compression(codec).getExtension());
    new OutputFiles(hadoop, runId).writeVia(target, temporary -> {
      SimpleGroupFactory groups = new SimpleGroupFactory(parquet);
      try (ParquetWriter<Group> writer = writer(temporary, hadoop.get(), parquet, codec)) {
        for (Row r : rows) {
          writer.write(group(groups.newGroup(), schema, runIdColumn, r));
        }
      }
    });
  }

  /** A writer of {@code schema}'s rows into {@code file}, replacing it. */
  static ParquetWriter<Group> writer(org.apache.hadoop.fs.Path file, Configuration conf,
      MessageType schema, String codec) throws IOException {
    return ExampleParquetWriter.builder(HadoopOutputFile.fromPath(file, conf)).withConf(conf)
        .withType(schema).withCompressionCodec(PixelStats.compression(codec))
        .withWriteMode(ParquetFileWriter.Mode.OVERWRITE).build();
  }

  /** A row of {@code schema} as a Parquet group, without column {@code skip} (-1: none). */
  static Group group(Group g, StructType schema, int skip, Row r) {
    StructField[] fields = schema.fields();
    for (int i = 0; i < fields.length; i++) {
      if (i == skip || r.isNullAt(i)) {
        continue;
      }
      String name = fields[i].name();
      DataType t = fields[i].dataType();
      if (t == DataTypes.StringType) {
        g.add(name, r.getString(i));
      } else if (t == DataTypes.IntegerType) {
        g.add(name, r.getInt(i));
      } else if (t == DataTypes.LongType) {
        g.add(name, r.getLong(i));
      } else if (t == DataTypes.DoubleType) {
        g.add(name, r.getDouble(i));
      } else {
        g.add(name, r.getBoolean(i));
      }
    }
    return g;
  }

  /** Every column optional, as Spark writes nullable columns; column {@code skip} (-1: none) left out. */
  static MessageType parquetSchema(StructType schema, int skip) {
    Types.MessageTypeBuilder b = Types.buildMessage();
    StructField[] fields = schema.fields();
    for (int i = 0; i < fields.length; i++) {
      if (i == skip) {
        continue;
      }
      DataType t = fields[i].dataType();
      String name = fields[i].name();
      if (t == DataTypes.StringType) {
        b.optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named(name);
      } else if (t == DataTypes.IntegerType) {
        b.optional(PrimitiveTypeName.INT32).named(name);
      } else if (t == DataTypes.LongType) {
        b.optional(PrimitiveTypeName.INT64).named(name);
      } else if (t == DataTypes.DoubleType) {
        b.optional(PrimitiveTypeName.DOUBLE).named(name);
      } else if (t == DataTypes.BooleanType) {
        b.optional(PrimitiveTypeName.BOOLEAN).named(name);
      } else {
        throw new IllegalArgumentException("no Parquet column for " + name + " of " + t);
      }
    }
    return b.named("spark_schema");
  }
}
