package io.pcsr.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pcsr.udf.spark.HadoopConf;
import io.pcsr.udf.spark.TileRows;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.JavaSerializer;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.Serializer;
import org.apache.spark.serializer.SerializerInstance;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;
import scala.Tuple2;
import scala.reflect.ClassTag$;

/**
 * The model stage's shuffle carries the project's own records (a {@link TileKey} and a tile
 * row), so they go through whichever serializer the session is configured with: Java's by
 * default, Kryo where users set {@code spark.serializer}. Both must give the records back.
 */
class ShuffleSerializersTest {

  private static List<Row> decodedTiles() throws Exception {
    Path sample = Path.of("../deploy/samples/chelsea.png").toAbsolutePath();
    DecodeStage decode = new DecodeStage(new HadoopConf(new Configuration()), 64, 8, false,
        Long.MAX_VALUE, Long.MAX_VALUE, new int[] {0, 1, 2}, Long.MAX_VALUE);
    List<Row> tiles = new ArrayList<>();
    decode.call(RowFactory.create(sample.toUri().toString(), "chelsea.png", 1L))
        .forEachRemaining(tiles::add);
    return tiles;
  }

  private static void roundTrip(Serializer serializer) throws Exception {
    List<Row> decoded = decodedTiles();
    assertTrue(decoded.size() > 1 && DecodeStage.isTile(decoded.get(0)), decoded.toString());
    SerializerInstance instance = serializer.newInstance();
    for (Row row : decoded) {
      Tuple2<TileKey, Row> keyed = TileKey.keying(false, 4, 1L << 25, 100).call(row);
      Tuple2<TileKey, Row> back = instance.deserialize(
          instance.serialize(keyed, ClassTag$.MODULE$.apply(Tuple2.class)),
          ClassTag$.MODULE$.apply(Tuple2.class));
      assertEquals(keyed._1(), back._1());
      Row tile = keyed._2();
      Row tileBack = back._2();
      assertEquals(TileRows.TILE.size(), tileBack.length());
      int pixels = TileRows.TILE.fieldIndex("pixels");
      for (int i = 0; i < tile.length(); i++) {
        if (i == pixels) {
          assertArrayEquals((byte[]) tile.get(i), (byte[]) tileBack.get(i));
        } else {
          assertEquals(tile.get(i), tileBack.get(i), TileRows.TILE.fieldNames()[i]);
        }
      }
    }
  }

  @Test void javaSerializationGivesTheTilesBack() throws Exception {
    roundTrip(new JavaSerializer(new SparkConf()));
  }

  @Test void kryoGivesTheTilesBack() throws Exception {
    roundTrip(new KryoSerializer(new SparkConf()));
  }
}
