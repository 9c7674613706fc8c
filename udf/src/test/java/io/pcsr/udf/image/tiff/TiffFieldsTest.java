package io.pcsr.udf.image.tiff;

import static io.pcsr.udf.image.tiff.TiffTestImages.JDK;
import static io.pcsr.udf.image.tiff.TiffTestImages.TWELVEMONKEYS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pcsr.udf.image.SampleType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.plugins.tiff.TIFFImageReadParam;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TiffFieldsTest {
  /** A UTM zone 25S GeoTIFF's tags as GDAL would write them, plus descriptive and GDAL tags. */
  static final List<TiffField> GEO_AND_TEXT = List.of(
      TiffField.ascii(TiffTags.IMAGE_DESCRIPTION, "Chelsea the cat, somewhere off Brazil"),
      TiffField.ascii(TiffTags.SOFTWARE, "pcsr test"),
      TiffField.doubles(TiffTags.MODEL_PIXEL_SCALE, 30, 30, 0),
      TiffField.doubles(TiffTags.MODEL_TIEPOINT, 0, 0, 0, 500000, 9000000, 0),
      TiffField.shorts(TiffTags.GEO_KEY_DIRECTORY,
          1, 1, 0, 3,
          1024, 0, 1, 1,       // GTModelTypeGeoKey: projected
          1025, 0, 1, 1,       // GTRasterTypeGeoKey: PixelIsArea
          3072, 0, 1, 32725),  // ProjectedCSTypeGeoKey: WGS 84 / UTM zone 25S
      TiffField.ascii(TiffTags.GDAL_NODATA, "0"));

  @TempDir Path dir;

  @Test
  void readsBackWhatTheWriterCopied() throws IOException {
    Path classic = write("classic.tif", TiffLayout.BigTiff.NEVER);
    Path big = write("big.tif", TiffLayout.BigTiff.ALWAYS);
    assertEquals(GEO_AND_TEXT, carried(TWELVEMONKEYS, classic), "TwelveMonkeys, classic");
    assertEquals(GEO_AND_TEXT, carried(TWELVEMONKEYS, big), "TwelveMonkeys, BigTIFF");
    // The JDK reader skips tags outside its known sets (GDAL's among them) unless asked.
    assertEquals(GEO_AND_TEXT.subList(0, 5), carried(JDK, classic), "JDK, classic");
    ImageReader jdk = TiffTestImages.reader(JDK, classic);
    try {
      TIFFImageReadParam param = new TIFFImageReadParam();
      param.setReadUnknownTags(true);
      jdk.read(0, param); // the JDK reader parses metadata with the param of the first read
      assertEquals(GEO_AND_TEXT, TiffFields.carriedOver(TiffFields.read(jdk.getImageMetadata(0))),
          "JDK, classic, reading unknown tags");
    } finally {
      TiffTestImages.dispose(jdk);
    }
  }

  @Test
  void carriedOverKeepsGeoreferencingAndTextOnly() throws IOException {
    Path file = write("all.tif", TiffLayout.BigTiff.NEVER);
    ImageReader reader = TiffTestImages.reader(TWELVEMONKEYS, file);
    try {
      List<TiffField> all = TiffFields.read(reader.getImageMetadata(0));
      Set<Integer> tags = all.stream().map(TiffField::tag).collect(Collectors.toSet());
      assertTrue(tags.containsAll(Set.of(256, 257, 258, 259, 262, 277, 284, 322, 323, 324, 325,
          339)), "the reader should see the writer's structural tags: " + tags);
      List<TiffField> withResolution = new ArrayList<>(all);
      withResolution.add(TiffField.integers(TiffTags.X_RESOLUTION, TiffType.RATIONAL, 72, 1));
      withResolution.add(TiffField.shorts(320, 0, 1, 2)); // ColorMap
      assertEquals(GEO_AND_TEXT, TiffFields.carriedOver(withResolution));
    } finally {
      TiffTestImages.dispose(reader);
    }
  }

  @Test
  void refusesMetadataThatIsNotTiff() throws IOException {
    ImageReader png = ImageIO.getImageReadersByFormatName("png").next();
    try (var in = ImageIO.createImageInputStream(
        TiffTestImages.samplesDir().resolve("chelsea.png").toFile())) {
      png.setInput(in);
      IIOMetadata metadata = png.getImageMetadata(0);
      String msg = assertThrows(IllegalArgumentException.class,
          () -> TiffFields.read(metadata)).getMessage();
      assertTrue(msg.contains("not TIFF"), msg);
    } finally {
      png.dispose();
    }
  }

  @Test
  void replaceSwapsOneFieldInPlace() {
    TiffField description = TiffField.ascii(TiffTags.IMAGE_DESCRIPTION, "x4");
    List<TiffField> out = TiffFields.replace(GEO_AND_TEXT, description);
    assertEquals(GEO_AND_TEXT.size(), out.size());
    assertEquals(description, out.get(0));
    assertEquals(GEO_AND_TEXT.size() + 1, TiffFields.replace(GEO_AND_TEXT,
        TiffField.ascii(TiffTags.ARTIST, "me")).size());
  }

  private Path write(String name, TiffLayout.BigTiff big) throws IOException {
    Path file = dir.resolve(name);
    TiledTiffWriter.write(file, TiffLayout.of(64, 48, 3, SampleType.UINT8).withTiles(32, 32)
        .withBigTiff(big).withFields(GEO_AND_TEXT), TiffTestImages.photo(SampleType.UINT8, 3,
        48, 64));
    return file;
  }

  private static List<TiffField> carried(String readerClass, Path file) throws IOException {
    ImageReader reader = TiffTestImages.reader(readerClass, file);
    try {
      return TiffFields.carriedOver(TiffFields.read(reader.getImageMetadata(0)));
    } finally {
      TiffTestImages.dispose(reader);
    }
  }
}
