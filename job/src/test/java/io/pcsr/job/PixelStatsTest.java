package io.pcsr.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pcsr.udf.model.LayerCost;
import io.pcsr.udf.tiling.Box;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pixels table's file writer on its own: rows computed here from the tiles' flags come back
 * through Spark's Parquet reader, also when the file holds several row groups.
 */
class PixelStatsTest extends SparkTestBase {
  @TempDir Path tmp;

  private static final int S = 4;
  private static final PixelStats.RowCosts COSTS = new PixelStats.RowCosts(false, S * S,
      new LayerCost(100.5, 50.25), new LayerCost(1000.5, 500.25));

  @Test
  void rowsOfEveryTileComeBackThroughSparkAcrossRowGroups() throws Exception {
    List<Box> cores = List.of(new Box(0, 0, 100, 200), new Box(100, 0, 100, 200),
        new Box(0, 200, 200, 50));
    Random rnd = new Random(3);
    Path file = tmp.resolve("pixels.parquet");
    int[][] expectedHeavy = new int[200][250];
    float[][] expectedP = new float[200][250];
    long rows;
    try (PixelStats.FileRows out = new PixelStats.FileRows(new LocalOutputFile(file), COSTS,
        "snappy", new Configuration(), 64 << 10)) {
      for (Box core : cores) {
        byte[] flags = new byte[core.height() * S * core.width() * S];
        for (int i = 0; i < flags.length; i++) {
          flags[i] = (byte) (rnd.nextInt(4) == 0 ? 1 : 0);
        }
        float[] p = new float[core.height() * core.width()];
        for (int i = 0; i < p.length; i++) {
          p[i] = rnd.nextFloat();
          expectedP[core.y() + i / core.width()][core.x() + i % core.width()] = p[i];
        }
        for (int hy = 0; hy < core.height() * S; hy++) {
          for (int hx = 0; hx < core.width() * S; hx++) {
            expectedHeavy[core.y() + hy / S][core.x() + hx / S] += flags[hy * core.width() * S + hx];
          }
        }
        out.add(PixelStats.TileRowsAtLevel.of("in/a.png", S, core, flags, p, false));
      }
      rows = out.rows();
    }
    assertEquals(200L * 250, rows);

    try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(
        new org.apache.hadoop.fs.Path(file.toUri()), new Configuration()))) {
      Assertions.assertTrue(reader.getRowGroups().size() > 1,
          "a small row-group size must split the file: " + reader.getRowGroups().size());
      assertEquals(rows, reader.getRecordCount());
      // dictionaries for every column but p_heavy, whose values hardly repeat
      for (var chunk : reader.getRowGroups().get(0).getColumns()) {
        String column = chunk.getPath().toDotString();
        assertEquals(!column.equals("p_heavy"),
            chunk.getEncodings().contains(org.apache.parquet.column.Encoding.PLAIN_DICTIONARY),
            column + ": " + chunk.getEncodings());
      }
    }

    List<Row> back = spark().read().parquet(file.toString()).collectAsList();
    assertEquals(rows, back.size());
    for (Row r : back) {
      int x = r.getAs("x");
      int y = r.getAs("y");
      int heavy = r.getAs("heavy");
      assertEquals("in/a.png", r.getAs("image_id"));
      assertEquals("lr", r.getAs("level"));
      assertEquals(16, (int) r.getAs("pixels"));
      assertEquals(expectedHeavy[y][x], heavy, "heavy at " + x + "," + y);
      assertEquals(expectedP[y][x], (float) r.getAs("p_heavy"), 0f);
      assertEquals((float) (heavy * 500.25 + (16 - heavy) * 50.25), (float) r.getAs("flops"), 0f);
      assertEquals((float) (heavy * 1000.5 + (16 - heavy) * 100.5),
          (float) r.getAs("flops_paper"), 0f);
    }
  }

  @Test
  void sparkCodecNamesMapToParquets() {
    assertEquals("SNAPPY", PixelStats.compression("snappy").name());
    assertEquals("UNCOMPRESSED", PixelStats.compression("none").name());
    assertEquals("UNCOMPRESSED", PixelStats.compression("uncompressed").name());
    assertEquals("ZSTD", PixelStats.compression("zstd").name());
  }
}
