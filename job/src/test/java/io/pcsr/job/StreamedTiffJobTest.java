package io.pcsr.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pcsr.udf.image.DecodedRaster;
import io.pcsr.udf.image.FloatImage;
import io.pcsr.udf.image.ImageFormat;
import io.pcsr.udf.image.RasterReader;
import io.pcsr.udf.image.SampleType;
import io.pcsr.udf.image.Samples;
import io.pcsr.udf.image.tiff.TiffLayout;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.stream.FileImageInputStream;
import javax.imageio.stream.ImageInputStream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The paths huge scans take, on small real images with the thresholds lowered: outputs above
 * the tiled-TIFF threshold are streamed into a BigTIFF tile by tile, inputs above the region
 * threshold are decoded one tile region at a time after the shuffle. Both must give exactly
 * what the in-memory paths give; a damaged region fails its image only.
 */
class StreamedTiffJobTest extends SparkTestBase {
  @TempDir Path tmp;

  private PcsrJob.Outcome run(Path in, Path out, Map<String, String> extra) throws Exception {
    Map<String, String> conf = new HashMap<>(Map.of(PcsrConf.TILE_SIZE, "48",
        PcsrConf.STATS_PIXELS, "none", PcsrConf.RUN_ID, "streamed"));
    conf.putAll(extra);
    return new PcsrJob(spark(), JobConfig.resolve(in.toString(), out.toString(), conf, k -> null))
        .run();
  }

  private static DecodedRaster read(Path file) throws Exception {
    try (ImageInputStream in = new FileImageInputStream(file.toFile())) {
      return RasterReader.decode(in, file.toString(), Files.size(file), Long.MAX_VALUE, null);
    }
  }

  private static Samples rgb8(FloatImage photo) {
    Samples s = Samples.allocate(SampleType.UINT8, 3, photo.height(), photo.width());
    for (int i = 0; i < photo.data().length; i++) {
      s.setFlat(i, SampleType.UINT8.quantize(photo.data()[i]));
    }
    return s;
  }

  @Test
  void outputAboveTheThresholdIsAStreamedBigTiffEqualToTheInMemoryPng() throws Exception {
    Path in = Files.createDirectories(tmp.resolve("in"));
    Files.copy(Path.of("../deploy/samples/chelsea.png"), in.resolve("chelsea.png"));
    PcsrJob.Outcome normal = run(in, tmp.resolve("normal"), Map.of());
    PcsrJob.Outcome huge = run(in, tmp.resolve("huge"),
        Map.of(PcsrConf.TILED_TIFF_PIXELS, "100000"));
    assertEquals(1, normal.succeeded());
    assertEquals(1, huge.succeeded(), () -> huge.images().toString());
    Path big = tmp.resolve("huge/images/chelsea.png.tif");
    byte[] head = new byte[4];
    try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "r")) {
      f.readFully(head);
    }
    assertEquals(43, head[2], "BigTIFF version number");
    DecodedRaster streamed = read(big);
    DecodedRaster png = read(tmp.resolve("normal/images/chelsea.png"));
    assertEquals(ImageFormat.TIFF, streamed.header().format());
    assertArrayEquals(png.samples().toBytes(), streamed.samples().toBytes(),
        "streamed BigTIFF == in-memory PNG, sample for sample");
    Row row = huge.images().get(0);
    assertEquals("bigtiff", row.getAs("output_format"));
    assertNoTemporaryFiles(tmp.resolve("huge/images"));
  }

  @Test
  void regionDecodedTiffEqualsWholeDecodeAndADamagedRegionFailsOnlyItsImage() throws Exception {
    Path in = Files.createDirectories(tmp.resolve("in"));
    Samples astronaut = rgb8(RasterFixtures.photo("astronaut.png"));
    RasterFixtures.writeTiff(in.resolve("astronaut.tif"), astronaut, TiffLayout.Photometric.RGB,
        List.of(), RasterFixtures.geoTags(10));
    // the JDK writer puts the directory first: cut short, the file still has a valid header
    // and its first rows, but the regions further down are gone
    FloatImage coffee = RasterFixtures.photo("coffee.png");
    RasterFixtures.write(RasterFixtures.image(RasterFixtures.rgbPlanes(coffee), coffee.height(),
        coffee.width(), false, false, 8), "tiff", in.resolve("damaged.tif"));
    try (RandomAccessFile f = new RandomAccessFile(in.resolve("damaged.tif").toFile(), "rw")) {
      f.setLength(f.length() * 6 / 10);
    }
    PcsrJob.Outcome whole = run(in, tmp.resolve("whole"), Map.of());
    // the whole-image pixel limit guards whole decodes only: region-decoded TIFFs may exceed it
    PcsrJob.Outcome regions = run(in, tmp.resolve("regions"),
        Map.of(PcsrConf.REGION_DECODE_PIXELS, "1000", PcsrConf.MAX_PIXELS, "100000"));
    System.out.println(regions.reconciliation());
    DecodedRaster a = read(tmp.resolve("whole/images/astronaut.tif"));
    DecodedRaster b = read(tmp.resolve("regions/images/astronaut.tif"));
    assertArrayEquals(a.samples().toBytes(), b.samples().toBytes(),
        "region-decoded tiles give the same output as a whole decode");
    assertEquals(1, regions.succeeded());
    assertEquals(1, regions.failed());
    Row damaged = spark().read().parquet(tmp.resolve("regions/_stats/errors").toString())
        .collectAsList().get(0);
    String message = damaged.getAs("message");
    Assertions.assertTrue(message.contains("cannot decode region"), message);
    Assertions.assertTrue(((String) damaged.getAs("source")).endsWith("damaged.tif"));
    Assertions.assertFalse(Files.exists(tmp.resolve("regions/images/damaged.tif")),
        "no output under the final name for a failed image");
    assertNoTemporaryFiles(tmp.resolve("regions/images"));
  }

  private static void assertNoTemporaryFiles(Path dir) throws Exception {
    try (Stream<Path> files = Files.walk(dir)) {
      List<Path> left = files.filter(p -> p.getFileName().toString().startsWith("._")).toList();
      Assertions.assertTrue(left.isEmpty(), "temporary files left: " + left);
    }
  }
}
