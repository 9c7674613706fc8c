package io.pcsr.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import org.junit.jupiter.api.Assertions;

import io.pcsr.udf.image.DecodedRaster;
import io.pcsr.udf.image.FloatImage;
import io.pcsr.udf.image.ImageFormat;
import io.pcsr.udf.image.ImageMetrics;
import io.pcsr.udf.image.MatlabBicubic;
import io.pcsr.udf.image.RasterHeader;
import io.pcsr.udf.image.RasterLayout;
import io.pcsr.udf.image.RasterReader;
import io.pcsr.udf.image.SampleType;
import io.pcsr.udf.image.Samples;
import io.pcsr.udf.image.tiff.GeoTiff;
import io.pcsr.udf.image.tiff.TiffField;
import io.pcsr.udf.image.tiff.TiffFields;
import io.pcsr.udf.image.tiff.TiffLayout;
import io.pcsr.udf.infer.ModelCache;
import io.pcsr.udf.infer.Upscaler;
import io.pcsr.udf.routing.RoutingPolicy;
import io.pcsr.udf.spark.HadoopConf;
import io.pcsr.udf.spark.ModelFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.FileImageInputStream;
import javax.imageio.stream.ImageInputStream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One job over every input layout a scan archive holds; each output must keep its input's
 * format, sample type and band layout, with colour bands equal to whole-image inference at the
 * source depth (no 8-bit detour), alpha and extra bands equal to bicubic interpolation, and
 * GeoTIFF georeferencing rescaled.
 */
class RasterLayoutsJobTest extends SparkTestBase {
  @TempDir static Path tmp;
  private static Path input;
  private static Path output;
  private static PcsrJob.Outcome outcome;
  private static Upscaler whole;

  /** The job runs once, on the first test (the shared session starts per test). */
  private synchronized PcsrJob.Outcome run() throws Exception {
    if (outcome != null) {
      return outcome;
    }
    input = tmp.resolve("in");
    output = tmp.resolve("out");
    Files.createDirectories(input);
    FloatImage chelsea = RasterFixtures.photo("chelsea.png");
    FloatImage fine = RasterFixtures.fine("astronaut.png").crop(0, 0, 96, 120);
    int h = chelsea.height();
    int w = chelsea.width();
    float[] gray = RasterFixtures.gray(chelsea);
    float[] alpha = RasterFixtures.vignette(h, w);
    RasterFixtures.write(RasterFixtures.image(List.of(gray), h, w, true, false, 8), "png",
        input.resolve("gray8.png"));
    RasterFixtures.write(RasterFixtures.image(List.of(gray, alpha), h, w, true, true, 8), "png",
        input.resolve("gray-alpha8.png"));
    List<float[]> fineRgba = new java.util.ArrayList<>(RasterFixtures.rgbPlanes(fine));
    fineRgba.add(RasterFixtures.vignette(fine.height(), fine.width()));
    RasterFixtures.write(RasterFixtures.image(fineRgba, fine.height(), fine.width(), false, true,
        16), "png", input.resolve("rgba16.png"));
    RasterFixtures.write(RasterFixtures.image(List.of(RasterFixtures.gray(fine)), fine.height(),
        fine.width(), true, false, 16), "png", input.resolve("gray16.png"));
    RasterFixtures.palettePng(chelsea, input.resolve("palette.png"));
    RasterFixtures.write(RasterFixtures.image(RasterFixtures.rgbPlanes(fine), fine.height(),
        fine.width(), false, false, 16), "tiff", input.resolve("rgb16.tif"));
    RasterFixtures.write(RasterFixtures.image(List.of(gray, alpha), h, w, true, true, 8), "tiff",
        input.resolve("gray-alpha8.tif"));
    RasterFixtures.cmykJpeg(input.resolve("cmyk.jpg"));
    RasterFixtures.writeTiff(input.resolve("stack6.tif"), RasterFixtures.multiband(fine),
        TiffLayout.Photometric.MIN_IS_BLACK, List.of(TiffLayout.ExtraSample.UNSPECIFIED,
            TiffLayout.ExtraSample.UNSPECIFIED, TiffLayout.ExtraSample.UNSPECIFIED,
            TiffLayout.ExtraSample.UNSPECIFIED, TiffLayout.ExtraSample.UNSPECIFIED),
        RasterFixtures.geoTags(RasterFixtures.PIXEL));
    Samples rgb8 = Samples.allocate(SampleType.UINT8, 3, h, w);
    for (int i = 0; i < 3 * h * w; i++) {
      rgb8.setFlat(i, SampleType.UINT8.quantize(chelsea.data()[i]));
    }
    RasterFixtures.writeTiff(input.resolve("geo.tif"), rgb8, TiffLayout.Photometric.RGB,
        List.of(), RasterFixtures.geoTags(RasterFixtures.PIXEL));

    Map<String, String> conf = new HashMap<>();
    conf.put(PcsrConf.TILE_SIZE, "48"); // several tiles per image, and 48 x 4 is a multiple of 16
    conf.put(PcsrConf.RGB_BANDS, "3,2,1");
    conf.put(PcsrConf.STATS_PIXELS, "none");
    conf.put(PcsrConf.RUN_ID, "layouts");
    outcome = new PcsrJob(spark(), JobConfig.resolve(input.toString(), output.toString(), conf,
        k -> null)).run();
    whole = new Upscaler(ModelCache.engine(ModelFiles.resolve(PcsrConf.MODEL_DEFAULT,
        new HadoopConf(new org.apache.hadoop.conf.Configuration(false))), 4));
    return outcome;
  }

  private static DecodedRaster read(Path file) throws Exception {
    try (ImageInputStream in = new FileImageInputStream(file.toFile())) {
      return RasterReader.decode(in, file.toString(), Files.size(file), Long.MAX_VALUE, null);
    }
  }

  private DecodedRaster in(String name) throws Exception {
    run();
    return read(input.resolve(name));
  }

  private DecodedRaster out(String name) throws Exception {
    run();
    return read(output.resolve("images").resolve(name));
  }

  /** Whole-image inference on three [0,1] planes taken from the given input bands. */
  private static float[] model(Samples in, int r, int g, int b) {
    int plane = in.height() * in.width();
    float[] v = new float[3 * plane];
    int[] bands = {r, g, b};
    for (int c = 0; c < 3; c++) {
      System.arraycopy(in.normalizedBand(bands[c]), 0, v, c * plane, plane);
    }
    return whole.upscale(new FloatImage(3, in.height(), in.width(), v),
        RoutingPolicy.parse("k=0"), true).image().data();
  }

  private static float[] plane(float[] planes, int c, int plane) {
    return java.util.Arrays.copyOfRange(planes, c * plane, (c + 1) * plane);
  }

  private static float[] bicubic(Samples in, int band) {
    return MatlabBicubic.resize(new FloatImage(1, in.height(), in.width(),
        in.normalizedBand(band)), in.height() * 4, in.width() * 4).data();
  }

  /**
   * Output band vs expected [0,1] values: within one level at 8 bits (tiling moves a few
   * values across a rounding boundary); at 16 bits within 1e-4 and, on average, far below an
   * 8-bit step, which an 8-bit detour could not reach.
   */
  private static void assertBand(Samples out, int band, float[] expected, String what) {
    int plane = out.height() * out.width();
    assertEquals(expected.length, plane, what + ": size");
    float[] got = out.normalizedBand(band);
    double max = 0;
    double sum = 0;
    for (int i = 0; i < plane; i++) {
      double e = Math.max(0, Math.min(1, expected[i]));
      double d = Math.abs(got[i] - e);
      max = Math.max(max, d);
      sum += d;
    }
    double mean = sum / plane;
    if (out.type() == SampleType.UINT8) {
      Assertions.assertTrue(max <= 1.0 / 255 + 1e-6, what + ": max |diff| " + max * 255 + " levels");
    } else {
      Assertions.assertTrue(max <= 1e-4, what + ": max |diff| " + max);
      Assertions.assertTrue(mean < 2e-5, what + ": mean |diff| " + mean + " (8-bit steps are 3.9e-3)");
    }
  }

  private static void assertShape(DecodedRaster in, DecodedRaster out, ImageFormat format,
      RasterLayout layout, SampleType type) {
    RasterHeader h = out.header();
    assertEquals(format, h.format(), "format");
    assertEquals(layout, h.layout(), "layout");
    assertEquals(type, h.type(), "sample type");
    assertEquals(in.header().width() * 4, h.width(), "width");
    assertEquals(in.header().height() * 4, h.height(), "height");
  }

  @Test
  void everyImageIsWritten() throws Exception {
    PcsrJob.Outcome o = run();
    System.out.println(o.reconciliation());
    assertEquals(10, o.listed());
    assertEquals(10, o.succeeded(), () -> spark().read()
        .parquet(output.resolve("_stats/errors").toString()).collectAsList().toString());
    List<Row> rows = spark().read().parquet(output.resolve("_stats/images").toString())
        .select("image_id", "layout", "sample_type", "bit_depth", "bands", "converted_from",
            "output_format").collectAsList();
    Map<String, Row> byId = new HashMap<>();
    rows.forEach(r -> byId.put(r.getString(0), r));
    assertEquals("rgba", byId.get("rgba16.png").getString(1));
    assertEquals(16, byId.get("rgba16.png").getInt(3));
    assertEquals("palette", byId.get("palette.png").getString(5));
    assertEquals(6, byId.get("stack6.tif").getInt(4));
    assertEquals("multiband", byId.get("stack6.tif").getString(1));
    assertEquals("tiff", byId.get("stack6.tif").getString(6));
  }

  @Test
  void grayStaysGrayAndTakesTheMeanOfTheModelsChannels() throws Exception {
    for (String name : List.of("gray8.png", "gray16.png")) {
      DecodedRaster in = in(name);
      DecodedRaster out = out(name);
      SampleType type = name.contains("16") ? SampleType.UINT16 : SampleType.UINT8;
      assertShape(in, out, ImageFormat.PNG, RasterLayout.GRAY, type);
      float[] rgb = model(in.samples(), 0, 0, 0);
      int plane = out.samples().height() * out.samples().width();
      float[] mean = new float[plane];
      for (int i = 0; i < plane; i++) {
        mean[i] = (rgb[i] + rgb[plane + i] + rgb[2 * plane + i]) / 3;
      }
      assertBand(out.samples(), 0, mean, name);
    }
  }

  @Test
  void alphaIsInterpolatedAndReattached() throws Exception {
    for (String name : List.of("gray-alpha8.png", "gray-alpha8.tif", "rgba16.png")) {
      DecodedRaster in = in(name);
      DecodedRaster out = out(name);
      RasterLayout layout = in.header().layout();
      assertShape(in, out, in.header().format(), layout, in.header().type());
      int a = layout.alphaBand();
      assertBand(out.samples(), a, bicubic(in.samples(), a), name + " alpha");
      int plane = out.samples().height() * out.samples().width();
      float[] rgb = layout == RasterLayout.RGBA ? model(in.samples(), 0, 1, 2)
          : model(in.samples(), 0, 0, 0);
      if (layout == RasterLayout.RGBA) {
        for (int c = 0; c < 3; c++) {
          assertBand(out.samples(), c, plane(rgb, c, plane), name + " channel " + c);
        }
      }
    }
  }

  @Test
  void sixteenBitRgbTiffStaysSixteenBitWithoutAnEightBitDetour() throws Exception {
    DecodedRaster in = in("rgb16.tif");
    DecodedRaster out = out("rgb16.tif");
    assertShape(in, out, ImageFormat.TIFF, RasterLayout.RGB, SampleType.UINT16);
    float[] rgb = model(in.samples(), 0, 1, 2);
    int plane = out.samples().height() * out.samples().width();
    for (int c = 0; c < 3; c++) {
      assertBand(out.samples(), c, plane(rgb, c, plane), "rgb16.tif channel " + c);
    }
    long offGrid = 0;
    for (int i = 0; i < 3 * plane; i++) {
      offGrid += ((int) out.samples().getFlat(i)) % 257 != 0 ? 1 : 0;
    }
    Assertions.assertTrue(offGrid > 0.9 * 3 * plane, "most samples are not 8-bit values x 257: " + offGrid);
  }

  @Test
  void palettesAreExpandedWithTheirTransparency() throws Exception {
    DecodedRaster in = in("palette.png");
    assertEquals(RasterLayout.RGBA, in.header().layout());
    assertEquals("palette", in.header().convertedFrom());
    assertEquals(0f, in.samples().get(3, 0, 0), "the transparent entry became alpha 0");
    DecodedRaster out = out("palette.png");
    assertShape(in, out, ImageFormat.PNG, RasterLayout.RGBA, SampleType.UINT8);
    assertBand(out.samples(), 3, bicubic(in.samples(), 3), "palette alpha");
  }

  @Test
  void cmykJpegIsConvertedToRgbNotInverted() throws Exception {
    DecodedRaster in = in("cmyk.jpg");
    assertEquals(RasterLayout.RGB, in.header().layout());
    FloatImage decoded = new FloatImage(3, in.samples().height(), in.samples().width(),
        java.util.stream.IntStream.range(0, 3).mapToObj(in.samples()::normalizedBand)
            .reduce(new float[0], RasterLayoutsJobTest::concat));
    double psnr = ImageMetrics.psnr(decoded, RasterFixtures.photo("chelsea.png"), 0);
    Assertions.assertTrue(psnr > 20, "CMYK decoded close to the RGB photo it came from: " + psnr + " dB");
    DecodedRaster out = out("cmyk.jpg");
    assertShape(in, out, ImageFormat.JPEG, RasterLayout.RGB, SampleType.UINT8);
  }

  @Test
  void multiBandStackKeepsBandOrderAndCountWithChosenBandsThroughTheModel() throws Exception {
    DecodedRaster in = in("stack6.tif");
    DecodedRaster out = out("stack6.tif");
    assertShape(in, out, ImageFormat.TIFF, RasterLayout.MULTIBAND, SampleType.UINT16);
    assertEquals(6, out.header().bands());
    int plane = out.samples().height() * out.samples().width();
    // rgbBands 3,2,1: band 3 is the model's R input, band 2 its G, band 1 its B
    float[] rgb = model(in.samples(), 2, 1, 0);
    assertBand(out.samples(), 2, plane(rgb, 0, plane), "band 3 (model R)");
    assertBand(out.samples(), 1, plane(rgb, 1, plane), "band 2 (model G)");
    assertBand(out.samples(), 0, plane(rgb, 2, plane), "band 1 (model B)");
    for (int b = 3; b < 6; b++) {
      assertBand(out.samples(), b, bicubic(in.samples(), b), "band " + (b + 1) + " (bicubic)");
    }
  }

  @Test
  void geoTiffKeepsItsCrsAndGetsAScaledGeotransform() throws Exception {
    for (String name : List.of("geo.tif", "stack6.tif")) {
      run();
      List<TiffField> in = fields(input.resolve(name));
      List<TiffField> out = fields(output.resolve("images").resolve(name));
      assertArrayEquals(TiffFields.find(in, 34735).orElseThrow().integers(),
          TiffFields.find(out, 34735).orElseThrow().integers(), name + ": GeoKeys (CRS) kept");
      assertArrayEquals(new double[] {RasterFixtures.PIXEL / 4, RasterFixtures.PIXEL / 4, 0},
          TiffFields.find(out, 33550).orElseThrow().reals(), 1e-12, name + ": pixel size / 4");
      assertArrayEquals(TiffFields.find(in, 33922).orElseThrow().reals(),
          TiffFields.find(out, 33922).orElseThrow().reals(), 1e-9, name + ": tiepoint");
      assertEquals(GeoTiff.RasterType.PIXEL_IS_AREA, GeoTiff.rasterType(out));
      assertEquals("PCSR test scene made from chelsea.png",
          TiffFields.find(out, 270).orElseThrow().text().replace("\0", ""));
    }
  }

  private static List<TiffField> fields(Path tiff) throws Exception {
    try (ImageInputStream in = new FileImageInputStream(tiff.toFile())) {
      ImageReader reader = ImageIO.getImageReaders(in).next();
      reader.setInput(in);
      return TiffFields.read(reader.getImageMetadata(0));
    }
  }

  private static float[] concat(float[] a, float[] b) {
    float[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
