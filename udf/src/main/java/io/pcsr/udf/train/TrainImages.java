package io.pcsr.udf.train;

import io.pcsr.udf.image.FloatImage;
import io.pcsr.udf.image.ImageCodec;
import io.pcsr.udf.image.MatlabBicubic;
import io.pcsr.udf.image.Quantizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * A folder of HR training (or validation) photographs held in memory as 8-bit RGB, from which
 * random crops are cut. Files below a folder named {@value #HALVE_DIR} are heavily compressed
 * wallpapers: they are shrunk x2 (MATLAB-style bicubic, antialiased) when loaded, so that JPEG
 * block artefacts are not learnt as detail.
 */
public final class TrainImages {
  public static final String HALVE_DIR = "halve";
  private static final List<String> EXTENSIONS = List.of(".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp");

  /** One image, planar 8-bit RGB. */
  public record Image(String name, int height, int width, byte[] planar) {
    public FloatImage toFloat() {
      float[] v = new float[planar.length];
      for (int i = 0; i < v.length; i++) {
        v[i] = (planar[i] & 0xff) / 255f;
      }
      return new FloatImage(3, height, width, v);
    }

    long pixels() { return (long) height * width; }
  }

  private final List<Image> images;
  private final double[] cumulativeArea;

  public TrainImages(List<Image> images) {
    if (images.isEmpty()) {
      throw new IllegalArgumentException("no images");
    }
    this.images = List.copyOf(images);
    cumulativeArea = new double[images.size()];
    double sum = 0;
    for (int i = 0; i < images.size(); i++) {
      sum += images.get(i).pixels();
      cumulativeArea[i] = sum;
    }
  }

  /**
   * Every image file below {@code dir} (sorted by path, so runs are reproducible) whose sides
   * after halving are at least {@code minSide}.
   */
  public static TrainImages load(Path dir, int minSide) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new IOException("image folder " + dir + " does not exist (fetch the data with "
          + "deploy/fetch-training-data.sh)");
    }
    List<Path> files;
    try (Stream<Path> s = Files.walk(dir)) {
      files = s.filter(Files::isRegularFile).filter(TrainImages::isImage).sorted().toList();
    }
    List<Image> out = new ArrayList<>();
    for (Path f : files) {
      FloatImage img = ImageCodec.read(f);
      boolean halve = false;
      for (Path part : dir.relativize(f)) {
        halve |= part.toString().equals(HALVE_DIR);
      }
      if (halve) {
        img = MatlabBicubic.downscale(MatlabBicubic.cropToMultiple(img, 2), 2);
      }
      if (img.height() < minSide || img.width() < minSide) {
        continue;
      }
      out.add(fromFloat(dir.relativize(f).toString(), img));
    }
    if (out.isEmpty()) {
      throw new IOException("no usable images (PNG/JPEG/TIFF/BMP, at least " + minSide
          + " px a side) below " + dir);
    }
    return new TrainImages(out);
  }

  static Image fromFloat(String name, FloatImage img) {
    int[] q = Quantizer.quantize(img);
    byte[] b = new byte[q.length];
    for (int i = 0; i < q.length; i++) {
      b[i] = (byte) q[i];
    }
    return new Image(name, img.height(), img.width(), b);
  }

  private static boolean isImage(Path p) {
    String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
    return EXTENSIONS.stream().anyMatch(n::endsWith);
  }

  public List<Image> images() { return images; }

  public long totalPixels() { return (long) cumulativeArea[cumulativeArea.length - 1]; }

  /**
   * A random size x size crop, from an image picked with probability proportional to its area,
   * flipped/transposed at random (the 8 symmetries of the square). Crops whose mean absolute
   * luma gradient is below {@code minGradient} (flat sky, bokeh) are redrawn, up to 20 times.
   */
  public FloatImage randomCrop(SplittableRandom rng, int size, double minGradient) {
    FloatImage crop = null;
    for (int attempt = 0; attempt < 20; attempt++) {
      Image img = pick(rng);
      if (img.height() < size || img.width() < size) {
        continue;
      }
      int y = rng.nextInt(img.height() - size + 1);
      int x = rng.nextInt(img.width() - size + 1);
      crop = crop(img, y, x, size, rng.nextInt(8));
      if (meanGradient(crop) >= minGradient) {
        return crop;
      }
    }
    if (crop == null) {
      throw new IllegalStateException("no image is at least " + size + " px a side");
    }
    return crop;
  }

  private Image pick(SplittableRandom rng) {
    double r = rng.nextDouble() * cumulativeArea[cumulativeArea.length - 1];
    int i = java.util.Arrays.binarySearch(cumulativeArea, r);
    i = i >= 0 ? i + 1 : -i - 1;
    return images.get(Math.min(i, images.size() - 1));
  }

  /**
   * A size x size crop at (y, x) under one of the 8 symmetries: bit 0 flips horizontally, bit 1
   * vertically, bit 2 transposes (the official "dflip" augmentation).
   */
  static FloatImage crop(Image img, int y0, int x0, int size, int symmetry) {
    boolean hflip = (symmetry & 1) != 0;
    boolean vflip = (symmetry & 2) != 0;
    boolean transpose = (symmetry & 4) != 0;
    float[] out = new float[3 * size * size];
    int plane = img.height() * img.width();
    for (int c = 0; c < 3; c++) {
      for (int yy = 0; yy < size; yy++) {
        for (int xx = 0; xx < size; xx++) {
          int sy = transpose ? xx : yy;
          int sx = transpose ? yy : xx;
          if (vflip) {
            sy = size - 1 - sy;
          }
          if (hflip) {
            sx = size - 1 - sx;
          }
          int src = c * plane + (y0 + sy) * img.width() + x0 + sx;
          out[(c * size + yy) * size + xx] = (img.planar()[src] & 0xff) / 255f;
        }
      }
    }
    return new FloatImage(3, size, size, out);
  }

  /** Mean |dI/dx| + |dI/dy| of the channel-mean intensity, in [0,1] units. */
  static double meanGradient(FloatImage im) {
    int h = im.height();
    int w = im.width();
    int plane = h * w;
    float[] d = im.data();
    double sum = 0;
    for (int y = 0; y < h - 1; y++) {
      for (int x = 0; x < w - 1; x++) {
        int i = y * w + x;
        double v = d[i] + d[plane + i] + d[2 * plane + i];
        double right = d[i + 1] + d[plane + i + 1] + d[2 * plane + i + 1];
        double down = d[i + w] + d[plane + i + w] + d[2 * plane + i + w];
        sum += Math.abs(right - v) + Math.abs(down - v);
      }
    }
    return sum / 3 / ((double) (h - 1) * (w - 1));
  }

}
