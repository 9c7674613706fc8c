package io.pcsr.udf.image.tiff;

import io.pcsr.udf.image.SampleType;
import io.pcsr.udf.image.Samples;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/** Test images cut from the committed sample photo, and TIFF readers to check files with. */
final class TiffTestImages {
  static final String TWELVEMONKEYS = "com.twelvemonkeys.imageio.plugins.tiff.TIFFImageReader";
  static final String JDK = "com.sun.imageio.plugins.tiff.TIFFImageReader";

  private static BufferedImage photo;

  private TiffTestImages() {}

  /**
   * A {@code bands}-band image of {@code type} built from the photo's pixels: the colour bands
   * are the photo (or its green channel), extra bands are the inverted channels, so no two
   * bands are alike. Wider types spread the 8-bit value over the range and add a
   * deterministic pattern in the low bits, so a byte-order or truncation slip shows.
   */
  static Samples photo(SampleType type, int bands, int height, int width) {
    BufferedImage rgb = photo();
    if (height > rgb.getHeight() || width > rgb.getWidth()) {
      throw new IllegalArgumentException("the photo is only " + rgb.getWidth() + "x"
          + rgb.getHeight());
    }
    Raster r = rgb.getRaster();
    Samples out = Samples.allocate(type, bands, height, width);
    for (int b = 0; b < bands; b++) {
      for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
          int v = bands < 3 && b == 0 ? r.getSample(x, y, 1)
              : b < 3 ? r.getSample(x, y, b) : 255 - r.getSample(x, y, b % 3);
          int pattern = (x * 31 + y * 17 + b * 7) & 0xFF;
          out.set(b, y, x, switch (type) {
            case UINT8 -> v;
            case UINT16 -> v * 256 + pattern;
            case INT16 -> v * 256 + pattern - 32768;
            case FLOAT32 -> v / 255f - 0.25f + pattern * 1e-4f;
          });
        }
      }
    }
    return out;
  }

  static BufferedImage photo() {
    if (photo == null) {
      Path file = samplesDir().resolve("chelsea.png");
      try {
        photo = ImageIO.read(file.toFile());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return photo;
  }

  /** deploy/samples, seen from the module directory (Maven) or the repository root (an IDE). */
  static Path samplesDir() {
    for (Path p : new Path[] {Path.of("..", "deploy", "samples"), Path.of("deploy", "samples")}) {
      if (Files.isDirectory(p)) {
        return p;
      }
    }
    throw new IllegalStateException("deploy/samples not found from " + Path.of("").toAbsolutePath());
  }

  /** An ImageIO TIFF reader of the given class, opened on {@code file}. */
  static ImageReader reader(String className, Path file) throws IOException {
    Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("tiff");
    while (readers.hasNext()) {
      ImageReader reader = readers.next();
      if (reader.getClass().getName().equals(className)) {
        ImageInputStream in = ImageIO.createImageInputStream(file.toFile());
        reader.setInput(in);
        return reader;
      }
    }
    throw new IllegalStateException("no TIFF reader " + className + " registered with ImageIO");
  }

  static void dispose(ImageReader reader) throws IOException {
    Object in = reader.getInput();
    reader.dispose();
    if (in instanceof ImageInputStream s) {
      s.close();
    }
  }
}
