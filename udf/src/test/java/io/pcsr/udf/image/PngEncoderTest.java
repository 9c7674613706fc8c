package io.pcsr.udf.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ar.com.hjg.pngj.ImageInfo;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class PngEncoderTest {

  /**
   * A real photo (160x160) upscaled 4x by bicubic interpolation, with grain of +-3 levels as
   * sensors and film add it (an SR output of a clean photo can go either way).
   */
  private static BufferedImage photo() throws IOException {
    BufferedImage small;
    try (InputStream in = PngEncoderTest.class.getResourceAsStream(
        "/io/pcsr/udf/train/astronaut-160.png")) {
      small = ImageIO.read(in);
    }
    BufferedImage big = new BufferedImage(640, 640, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = big.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_INTERPOLATION,
        RenderingHints.VALUE_INTERPOLATION_BICUBIC);
    g.drawImage(small, 0, 0, 640, 640, null);
    g.dispose();
    java.util.Random grain = new java.util.Random(42);
    int[] row = new int[640 * 3];
    for (int y = 0; y < 640; y++) {
      big.getRaster().getPixels(0, y, 640, 1, row);
      for (int i = 0; i < row.length; i++) {
        row[i] = Math.max(0, Math.min(255, row[i] + grain.nextInt(7) - 3));
      }
      big.getRaster().setPixels(0, y, 640, 1, row);
    }
    return big;
  }

  /** The same photo with each sample cut to 2 bits: large flat areas, as in graphics. */
  private static BufferedImage flat(BufferedImage photo) {
    BufferedImage out = new BufferedImage(photo.getWidth(), photo.getHeight(),
        BufferedImage.TYPE_3BYTE_BGR);
    int[] row = new int[photo.getWidth() * 3];
    for (int y = 0; y < photo.getHeight(); y++) {
      photo.getRaster().getPixels(0, y, photo.getWidth(), 1, row);
      for (int i = 0; i < row.length; i++) {
        row[i] &= 0xc0;
      }
      out.getRaster().setPixels(0, y, photo.getWidth(), 1, row);
    }
    return out;
  }

  private static PngEncoder.Deflate choice(BufferedImage image) {
    Raster r = image.getRaster();
    ImageInfo info = new ImageInfo(image.getWidth(), image.getHeight(), 8, false, false, false);
    return PngEncoder.choose(info, (y, row) -> r.getPixels(0, y, image.getWidth(), 1, row));
  }

  private static void assertLossless(BufferedImage expected) throws IOException {
    byte[] png = PngEncoder.encodeOrNull(expected);
    BufferedImage back = ImageIO.read(new ByteArrayInputStream(png));
    int w = expected.getWidth();
    int h = expected.getHeight();
    assertArrayEquals(expected.getRaster().getPixels(0, 0, w, h, (int[]) null),
        back.getRaster().getPixels(0, 0, w, h, (int[]) null));
  }

  @Test void aPhotoIsHuffmanCodedAndFlatContentKeepsLz77BothLossless() throws IOException {
    BufferedImage photo = photo();
    BufferedImage flat = flat(photo);
    assertEquals(PngEncoder.Deflate.HUFFMAN_ONLY, choice(photo));
    assertEquals(PngEncoder.Deflate.LZ77_LEVEL_1, choice(flat));
    assertLossless(photo);
    assertLossless(flat);
  }

  @Test void aSmallImageIsWrittenWithoutAProbe() throws IOException {
    BufferedImage photo = photo();
    BufferedImage small = photo.getSubimage(0, 0, 300, 300); // 90 000 pixels
    assertEquals(PngEncoder.Deflate.LZ77_LEVEL_1, choice(small));
    assertLossless(small);
  }
}
