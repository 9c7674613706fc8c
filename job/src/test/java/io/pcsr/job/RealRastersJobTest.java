package io.pcsr.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pcsr.udf.image.DecodedRaster;
import io.pcsr.udf.image.FloatImage;
import io.pcsr.udf.image.MatlabBicubic;
import io.pcsr.udf.image.RasterLayout;
import io.pcsr.udf.image.RasterReader;
import io.pcsr.udf.image.SampleType;
import io.pcsr.udf.image.Samples;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.imageio.stream.FileImageInputStream;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real Landsat scenes (fetched by deploy/fetch-test-rasters.sh; skipped, saying so, when
 * absent): a 6-band Landsat 7 GeoTIFF and a 16-bit signed Landsat 8 band. The outputs must keep
 * band count, order and type, and GDAL itself (gdalinfo, when installed) must find the same CRS,
 * the same origin and a pixel size divided by the scale.
 */
class RealRastersJobTest extends SparkTestBase {
  static Path rasters;
  @TempDir static Path tmp;
  private static PcsrJob.Outcome outcome;

  @BeforeAll
  static void rasters() {
    rasters = Path.of(System.getProperty("pcsr.test.rasters", System.getenv().getOrDefault(
        "PCSR_TEST_RASTERS", System.getProperty("user.home") + "/.cache/pcsr/test-rasters")));
    assumeTrue(Files.isRegularFile(rasters.resolve("L7_ETMs.tif")), "real Landsat rasters absent"
        + " at " + rasters + "; run deploy/fetch-test-rasters.sh (CI does); skipped");
  }

  private synchronized PcsrJob.Outcome run() throws Exception {
    if (outcome == null) {
      Path in = Files.createDirectories(tmp.resolve("in"));
      Files.copy(rasters.resolve("L7_ETMs.tif"), in.resolve("L7_ETMs.tif"));
      Files.copy(rasters.resolve("LC08_B1_int16.tif"), in.resolve("LC08_B1_int16.tif"));
      Map<String, String> conf = new HashMap<>(Map.of(PcsrConf.TILE_SIZE, "64",
          PcsrConf.RGB_BANDS, "3,2,1", PcsrConf.STATS_PIXELS, "none", PcsrConf.RUN_ID, "real"));
      outcome = new PcsrJob(spark(), JobConfig.resolve(in.toString(),
          tmp.resolve("out").toString(), conf, k -> null)).run();
    }
    return outcome;
  }

  private static DecodedRaster read(Path file) throws Exception {
    try (ImageInputStream in = new FileImageInputStream(file.toFile())) {
      return RasterReader.decode(in, file.toString(), Files.size(file), Long.MAX_VALUE, null);
    }
  }

  @Test
  void landsat7StackKeepsItsSixBandsInOrder() throws Exception {
    assertEquals(2, run().succeeded(), () -> outcome.images().toString());
    DecodedRaster in = read(rasters.resolve("L7_ETMs.tif"));
    DecodedRaster out = read(tmp.resolve("out/images/L7_ETMs.tif"));
    assertEquals(RasterLayout.MULTIBAND, out.header().layout());
    assertEquals(6, out.header().bands());
    assertEquals(SampleType.UINT8, out.header().type());
    assertEquals(in.header().width() * 4, out.header().width());
    // bands 4-6 (NIR, SWIR) are bicubic at the same scale: each band is where it was
    for (int b = 3; b < 6; b++) {
      Samples s = in.samples();
      float[] expected = MatlabBicubic.resize(new FloatImage(1, s.height(), s.width(),
          s.normalizedBand(b)), s.height() * 4, s.width() * 4).data();
      float[] got = out.samples().normalizedBand(b);
      double max = 0;
      for (int i = 0; i < got.length; i++) {
        max = Math.max(max, Math.abs(got[i] - Math.max(0, Math.min(1, expected[i]))));
      }
      Assertions.assertTrue(max <= 1.0 / 255 + 1e-6, "band " + (b + 1) + ": " + max * 255);
    }
  }

  @Test
  void landsat8Int16BandStaysSignedSixteenBit() throws Exception {
    run();
    DecodedRaster in = read(rasters.resolve("LC08_B1_int16.tif"));
    DecodedRaster out = read(tmp.resolve("out/images/LC08_B1_int16.tif"));
    assertEquals(SampleType.INT16, in.header().type());
    assertEquals(SampleType.INT16, out.header().type());
    assertEquals(RasterLayout.GRAY, out.header().layout());
    assertEquals(in.header().height() * 4, out.header().height());
  }

  @Test
  void gdalSeesTheSameCrsAndAScaledGeotransform() throws Exception {
    run();
    for (String name : new String[] {"L7_ETMs.tif", "LC08_B1_int16.tif"}) {
      JsonNode in = gdalinfo(rasters.resolve(name));
      JsonNode out = gdalinfo(tmp.resolve("out/images").resolve(name));
      assertEquals(in.at("/coordinateSystem/wkt").asText(),
          out.at("/coordinateSystem/wkt").asText(), name + ": CRS");
      assertEquals(in.at("/size/0").asInt() * 4, out.at("/size/0").asInt());
      assertEquals(in.at("/bands").size(), out.at("/bands").size(), name + ": band count");
      for (int b = 0; b < in.at("/bands").size(); b++) {
        assertEquals(in.at("/bands/" + b + "/type").asText(),
            out.at("/bands/" + b + "/type").asText(), name + ": band " + (b + 1) + " type");
      }
      double[] gtIn = doubles(in.at("/geoTransform"));
      double[] gtOut = doubles(out.at("/geoTransform"));
      assertArrayEquals(new double[] {gtIn[0], gtIn[1] / 4, gtIn[2] / 4, gtIn[3], gtIn[4] / 4,
          gtIn[5] / 4}, gtOut, 1e-6, name + ": geotransform");
    }
  }

  private static double[] doubles(JsonNode array) {
    double[] v = new double[array.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = array.get(i).asDouble();
    }
    return v;
  }

  private static JsonNode gdalinfo(Path file) throws Exception {
    Process p;
    try {
      p = new ProcessBuilder("gdalinfo", "-json", file.toString()).redirectErrorStream(false)
          .start();
    } catch (java.io.IOException e) {
      assumeTrue(false, "gdalinfo not installed (Debian: gdal-bin); GDAL cross-check skipped");
      throw e;
    }
    byte[] json = p.getInputStream().readAllBytes();
    Assertions.assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), "gdalinfo " + file);
    return new ObjectMapper().readTree(json);
  }
}
