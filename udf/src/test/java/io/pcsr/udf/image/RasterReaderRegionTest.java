package io.pcsr.udf.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pcsr.udf.image.tiff.TiffLayout;
import io.pcsr.udf.image.tiff.TiledTiffWriter;
import java.awt.Rectangle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.stream.FileImageInputStream;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Region decoding (how tiles of huge TIFFs are read) must give exactly the samples of the same
 * rectangle cut from a whole decode, for classic TIFF (the JDK reader) and BigTIFF
 * (TwelveMonkeys, which is given whole rows), for every sample type and band count.
 */
class RasterReaderRegionTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @CsvSource({"UINT8,3,NEVER", "UINT16,6,NEVER", "INT16,1,NEVER", "FLOAT32,2,NEVER",
      "UINT8,3,ALWAYS", "UINT16,6,ALWAYS", "FLOAT32,4,ALWAYS"})
  void regionEqualsTheSameRectangleOfTheWholeImage(SampleType type, int bands,
      TiffLayout.BigTiff big) throws Exception {
    FloatImage photo = ImageCodec.read(Path.of("../deploy/samples/coffee.png"));
    int h = 150;
    int w = 211;
    Samples s = Samples.allocate(type, bands, h, w);
    for (int b = 0; b < bands; b++) {
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          float v = photo.get(b % 3, y, x) * (b + 1) / bands;
          s.set(b, y, x, type.quantize(type == SampleType.FLOAT32 ? v * 40 - 3 : v));
        }
      }
    }
    Path file = tmp.resolve("r.tif");
    TiledTiffWriter.write(file, TiffLayout.of(w, h, bands, type).withTiles(64, 48)
        .withBigTiff(big), s);
    DecodedRaster decoded = decode(file, null);
    Samples whole = decoded.samples();
    assertArrayEquals(s.toBytes(), whole.toBytes(), "whole decode");
    for (Rectangle r : List.of(new Rectangle(10, 20, 100, 70), new Rectangle(0, 0, 1, 1),
        new Rectangle(150, 100, 61, 50), new Rectangle(64, 48, 64, 48))) {
      DecodedRaster region = decode(file, r);
      assertEquals(type, region.header().type());
      assertEquals(bands, region.header().bands());
      assertEquals(w, region.header().width(), "the header keeps the image's size");
      assertArrayEquals(whole.crop(r.y, r.x, r.height, r.width).toBytes(),
          region.samples().toBytes(), "region " + r);
      assertArrayEquals(whole.crop(r.y, r.x, r.height, r.width).toBytes(),
          decodeRegion(file, r, decoded.header()).toBytes(), "known-header region " + r);
    }
  }

  private static Samples decodeRegion(Path file, Rectangle region, RasterHeader header)
      throws Exception {
    try (ImageInputStream in = new FileImageInputStream(file.toFile())) {
      return RasterReader.decodeRegion(in, file.toString(), Files.size(file), Long.MAX_VALUE,
          region, header);
    }
  }

  private static DecodedRaster decode(Path file, Rectangle region) throws Exception {
    try (ImageInputStream in = new FileImageInputStream(file.toFile())) {
      return RasterReader.decode(in, file.toString(), Files.size(file), Long.MAX_VALUE, region);
    }
  }
}
