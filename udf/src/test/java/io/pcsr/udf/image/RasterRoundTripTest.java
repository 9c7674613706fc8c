package io.pcsr.udf.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pcsr.udf.image.tiff.TiledTiffWriter;
import io.pcsr.udf.image.tiff.UpscaledTiffLayout;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.FileImageInputStream;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every layout round-trips without loss: a file written by the JDK's own ImageIO writers (not
 * ours) decodes to the layout and samples it holds, and writing those samples back with this
 * project's writers (PNG through ImageIO, TIFF through the tiled writer) and decoding again
 * gives the same samples. Pixels are a real photo; 16-bit values carry a low byte of their own.
 */
class RasterRoundTripTest {
  @TempDir Path tmp;

  @ParameterizedTest(name = "{0} {1}-bit {2}")
  @CsvSource({
      "png,8,GRAY", "png,8,GRAY_ALPHA", "png,8,RGB", "png,8,RGBA",
      "png,16,GRAY", "png,16,GRAY_ALPHA", "png,16,RGB", "png,16,RGBA",
      "tiff,8,GRAY", "tiff,8,GRAY_ALPHA", "tiff,8,RGB", "tiff,8,RGBA",
      "tiff,16,GRAY", "tiff,16,GRAY_ALPHA", "tiff,16,RGB", "tiff,16,RGBA"})
  void layoutSurvivesDecodeAndEncode(String format, int bits, RasterLayout layout)
      throws Exception {
    FloatImage photo = ImageCodec.read(Path.of("../deploy/samples/coffee.png")).crop(40, 60, 70, 90);
    int h = photo.height();
    int w = photo.width();
    boolean gray = layout == RasterLayout.GRAY || layout == RasterLayout.GRAY_ALPHA;
    ComponentColorModel cm = new ComponentColorModel(
        ColorSpace.getInstance(gray ? ColorSpace.CS_GRAY : ColorSpace.CS_sRGB), layout.hasAlpha(),
        false, layout.hasAlpha() ? Transparency.TRANSLUCENT : Transparency.OPAQUE,
        bits == 8 ? DataBuffer.TYPE_BYTE : DataBuffer.TYPE_USHORT);
    WritableRaster raster = cm.createCompatibleWritableRaster(w, h);
    int max = bits == 8 ? 255 : 65535;
    for (int b = 0; b < layout.bands(); b++) {
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          float v = b == layout.alphaBand() ? (float) (x + y) / (w + h) : photo.get(gray ? 1 : b, y, x);
          // 16-bit: the photo in the high byte, its own pattern in the low byte
          int s = bits == 8 ? Math.round(v * max) : Math.round(v * 255) * 256 + (x * 7 + y * 3 + b) % 256;
          raster.setSample(x, y, b, s);
        }
      }
    }
    Path source = tmp.resolve("in." + format);
    writeWithJdk(new BufferedImage(cm, raster, false, null), format, source);

    DecodedRaster decoded = decode(source);
    SampleType type = bits == 8 ? SampleType.UINT8 : SampleType.UINT16;
    assertEquals(layout, decoded.header().layout(), "layout");
    assertEquals(type, decoded.header().type(), "sample type");
    for (int b = 0; b < layout.bands(); b++) {
      for (int y = 0; y < h; y += 7) {
        for (int x = 0; x < w; x += 5) {
          assertEquals(raster.getSample(x, y, b), (int) decoded.samples().get(b, y, x),
              "band " + b + " at " + x + "," + y);
        }
      }
    }

    Path again = tmp.resolve("out." + format);
    if (format.equals("tiff")) {
      TiledTiffWriter.write(again, UpscaledTiffLayout.of(decoded.header(), 1, w, h, 32, false),
          decoded.samples());
    } else {
      Files.write(again, RasterWriter.encode(decoded.samples(), ImageFormat.PNG, layout));
    }
    DecodedRaster back = decode(again);
    assertEquals(decoded.header().layout(), back.header().layout());
    assertEquals(decoded.header().type(), back.header().type());
    assertArrayEquals(decoded.samples().toBytes(), back.samples().toBytes(), "samples");
  }

  @Test
  void palettesExpandWithTheirTransparencyAndBilevelBecomesGray() throws Exception {
    for (String format : new String[] {"png", "tiff"}) {
      byte[] r = {0, (byte) 200, 30, (byte) 255};
      byte[] g = {0, 100, (byte) 180, (byte) 255};
      byte[] b = {0, 50, 90, (byte) 255};
      byte[] a = {0, (byte) 255, (byte) 255, (byte) 128};
      BufferedImage im = new BufferedImage(20, 10, BufferedImage.TYPE_BYTE_INDEXED,
          new IndexColorModel(2, 4, r, g, b, a));
      for (int y = 0; y < 10; y++) {
        for (int x = 0; x < 20; x++) {
          im.getRaster().setSample(x, y, 0, (x + y) % 4);
        }
      }
      Path file = tmp.resolve("p." + format);
      writeWithJdk(im, format, file);
      DecodedRaster d = decode(file);
      assertEquals("palette", d.header().convertedFrom());
      assertEquals(200f, d.samples().get(0, 0, 1), format + ": red of entry 1");
      if (format.equals("png")) {
        assertEquals(RasterLayout.RGBA, d.header().layout(), format);
        assertEquals(0f, d.samples().get(3, 0, 0), format + ": entry 0 is transparent");
        assertEquals(128f, d.samples().get(3, 0, 3), format + ": entry 3 half transparent");
      } else {
        // a TIFF ColorMap has no alpha: the palette TIFF is plain RGB
        assertEquals(RasterLayout.RGB, d.header().layout(), format);
      }
    }
    BufferedImage bilevel = new BufferedImage(16, 8, BufferedImage.TYPE_BYTE_BINARY);
    bilevel.getRaster().setSample(3, 2, 0, 1);
    Path file = tmp.resolve("bilevel.png");
    writeWithJdk(bilevel, "png", file);
    DecodedRaster d = decode(file);
    assertEquals(RasterLayout.GRAY, d.header().layout());
    assertEquals(255f, d.samples().get(0, 2, 3));
    assertEquals(0f, d.samples().get(0, 2, 4));
  }

  private static void writeWithJdk(BufferedImage image, String format, Path file)
      throws Exception {
    ImageWriter writer = null;
    for (var it = ImageIO.getImageWritersByFormatName(format); it.hasNext(); ) {
      ImageWriter candidate = it.next();
      if (candidate.getClass().getName().startsWith("com.sun.")) {
        writer = candidate;
      }
    }
    try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
      writer.setOutput(out);
      writer.write(image);
    } finally {
      writer.dispose();
    }
  }

  private static DecodedRaster decode(Path file) throws Exception {
    try (ImageInputStream in = new FileImageInputStream(file.toFile())) {
      return RasterReader.decode(in, file.toString(), Files.size(file), Long.MAX_VALUE, null);
    }
  }
}
