package io.pcsr.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.pcsr.udf.spark.HadoopConf;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DriverTablesTest extends SparkTestBase {
  @TempDir Path tmp;

  private static final StructType SCHEMA = new StructType()
      .add("run_id", DataTypes.StringType).add("name", DataTypes.StringType)
      .add("count", DataTypes.IntegerType).add("bytes", DataTypes.LongType)
      .add("share", DataTypes.DoubleType).add("ok", DataTypes.BooleanType);

  @Test
  void rowsComeBackThroughSparkUnderTheRunsFolderAndARerunReplacesThem() throws Exception {
    String output = tmp.toUri().toString();
    HadoopConf hadoop = new HadoopConf(spark().sparkContext().hadoopConfiguration());
    new DriverTables(output, "r1", hadoop, "snappy").write("things", SCHEMA, List.of(
        RowFactory.create("r1", "a", 1, 10L, 0.5, true),
        RowFactory.create("r1", null, null, null, null, null)));
    DriverTables second = new DriverTables(output, "r2", hadoop, "snappy");
    second.write("things", SCHEMA, List.of(RowFactory.create("r2", "old", 0, 0L, 0.0, false)));
    second.write("things", SCHEMA, List.of(RowFactory.create("r2", "b", 2, 1L << 40, 0.25, false)));

    List<Row> back = spark().read().parquet(OutputPaths.stats(output, "things"))
        .orderBy("run_id", "name").collectAsList();
    assertEquals(3, back.size(), back.toString());
    Row nulls = back.get(0);
    assertEquals("r1", nulls.getAs("run_id"));
    for (String c : List.of("name", "count", "bytes", "share", "ok")) {
      assertNull(nulls.getAs(c), c);
    }
    assertEquals(Arrays.asList("a", 1, 10L, 0.5, true), values(back.get(1)));
    assertEquals(Arrays.asList("b", 2, 1L << 40, 0.25, false), values(back.get(2)),
        "the second write of run r2 replaced the first");
    assertEquals("r2", back.get(2).getAs("run_id"));
  }

  @Test
  void anEmptyTableStillHasItsSchema() throws Exception {
    String output = tmp.toUri().toString();
    new DriverTables(output, "r", new HadoopConf(spark().sparkContext().hadoopConfiguration()),
        "snappy").write("errors", PcsrJob.errorsSchema(), List.of());
    var errors = spark().read().parquet(OutputPaths.stats(output, "errors"));
    assertEquals(0, errors.count());
    assertEquals(List.of("source", "stage", "error_class", "message", "run_id"),
        Arrays.asList(errors.columns()));
  }

  private static List<Object> values(Row r) {
    return Arrays.asList(r.getAs("name"), r.getAs("count"), r.getAs("bytes"), r.getAs("share"),
        r.getAs("ok"));
  }
}
