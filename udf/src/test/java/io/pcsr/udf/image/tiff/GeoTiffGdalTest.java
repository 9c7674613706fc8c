package io.pcsr.udf.image.tiff;

import static io.pcsr.udf.image.tiff.TiffTestImages.TWELVEMONKEYS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pcsr.udf.image.SampleType;
import io.pcsr.udf.image.Samples;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageReader;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * GDAL's view of an upscaled GeoTIFF: same CRS, same outer corner, pixels 1/4 the size.
 * GDAL is the reference a GIS would use, so this checks the GeoTIFF arithmetic against code
 * that shares nothing with ours. Skipped where gdalinfo (Debian: gdal-bin) is not installed.
 */
class GeoTiffGdalTest {
  private static final int SCALE = 4;
  private static final int WIDTH = 64;
  private static final int HEIGHT = 48;

  @TempDir Path dir;

  @BeforeAll
  static void needsGdalinfo() {
    Assumptions.assumeTrue(gdalinfoRuns(),
        "gdalinfo not found on PATH: install gdal-bin to check GeoTIFF output against GDAL");
  }

  /** 1 = PixelIsArea, 2 = PixelIsPoint (for which GDAL shifts its origin by half a pixel). */
  @ParameterizedTest(name = "GTRasterTypeGeoKey={0}")
  @ValueSource(ints = {1, 2})
  void upscaledOutputOverlaysTheInput(int rasterType) throws Exception {
    List<TiffField> geo = List.of(
        TiffField.doubles(TiffTags.MODEL_PIXEL_SCALE, 30, 30, 0),
        TiffField.doubles(TiffTags.MODEL_TIEPOINT, 0, 0, 0, 500000, 9000000, 0),
        GeoTiffTest.geoKeys(rasterType));
    Samples small = TiffTestImages.photo(SampleType.UINT8, 3, HEIGHT, WIDTH);
    Path in = dir.resolve("in.tif");
    TiledTiffWriter.write(in, TiffLayout.of(WIDTH, HEIGHT, 3, SampleType.UINT8)
        .withTiles(32, 32).withFields(geo), small);

    List<TiffField> copied;
    ImageReader reader = TiffTestImages.reader(TWELVEMONKEYS, in);
    try {
      copied = TiffFields.carriedOver(TiffFields.read(reader.getImageMetadata(0)));
    } finally {
      TiffTestImages.dispose(reader);
    }
    Path out = dir.resolve("out.tif");
    TiledTiffWriter.write(out, TiffLayout.of(WIDTH * SCALE, HEIGHT * SCALE, 3, SampleType.UINT8)
        .withTiles(64, 64).withFields(GeoTiff.scaled(copied, SCALE)), nearest(small, SCALE));

    JsonNode before = gdalinfo(in);
    JsonNode after = gdalinfo(out);
    String wkt = before.path("coordinateSystem").path("wkt").asText();
    assertTrue(wkt.contains("UTM zone 25S") && wkt.contains("32725"), wkt);
    assertEquals(wkt, after.path("coordinateSystem").path("wkt").asText(), "CRS");
    assertEquals(WIDTH * SCALE, after.path("size").get(0).asInt());
    assertEquals(HEIGHT * SCALE, after.path("size").get(1).asInt());
    JsonNode g0 = before.path("geoTransform");
    JsonNode g1 = after.path("geoTransform");
    double originX = rasterType == 1 ? 500000 : 500000 - 15;
    assertEquals(originX, g0.get(0).asDouble(), 1e-9, "GDAL's reading of the input");
    assertEquals(g0.get(0).asDouble(), g1.get(0).asDouble(), 1e-6, "origin x");
    assertEquals(g0.get(3).asDouble(), g1.get(3).asDouble(), 1e-6, "origin y");
    assertEquals(g0.get(1).asDouble() / SCALE, g1.get(1).asDouble(), 1e-9, "pixel width");
    assertEquals(g0.get(5).asDouble() / SCALE, g1.get(5).asDouble(), 1e-9, "pixel height");
    assertEquals(0, g1.get(2).asDouble());
    assertEquals(0, g1.get(4).asDouble());
  }

  private static Samples nearest(Samples in, int scale) {
    Samples out = Samples.allocate(in.type(), in.bands(), in.height() * scale,
        in.width() * scale);
    for (int b = 0; b < in.bands(); b++) {
      for (int y = 0; y < out.height(); y++) {
        for (int x = 0; x < out.width(); x++) {
          out.set(b, y, x, in.get(b, y / scale, x / scale));
        }
      }
    }
    return out;
  }

  private static JsonNode gdalinfo(Path file) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("gdalinfo", "-json", file.toString())
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    byte[] json = p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new AssertionError("gdalinfo failed on " + file + ": "
          + new String(json, StandardCharsets.UTF_8));
    }
    return new ObjectMapper().readTree(json);
  }

  private static boolean gdalinfoRuns() {
    try {
      Process p = new ProcessBuilder("gdalinfo", "--version")
          .redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
