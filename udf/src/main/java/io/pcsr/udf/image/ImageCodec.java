package io.pcsr.udf.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.FileImageInputStream;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Reads PNG/JPEG/TIFF into RGB {@link FloatImage}s in [0,1] (8-bit value / 255) and writes
 * quantised 8-bit files. The decoder is chosen from the content, never from the file name.
 * Samples are converted by their own bit depth, so 16-bit inputs already read as value / 65535;
 * writing is 8-bit only for now (see {@link Quantizer}).
 */
public final class ImageCodec {
  /** Default decode limit: 2^28 pixels (about 3 GiB as RGB floats). */
  public static final long DEFAULT_MAX_PIXELS = 1L << 28;
  /** JPEG is only for previews; high quality keeps a round trip close. */
  public static final float JPEG_QUALITY = 0.95f;
  /** PNG deflate effort as an ImageIO quality: 0.75 = deflate level 2 (lossless either way). */
  public static final float PNG_QUALITY = 0.75f;

  private ImageCodec() {}

  public static FloatImage read(Path path) throws IOException {
    return read(path, DEFAULT_MAX_PIXELS);
  }

  /** Decodes a file, refusing (before decoding) images with more than maxPixels pixels. */
  public static FloatImage read(Path path, long maxPixels) throws IOException {
    String name = path.toString();
    if (!Files.isRegularFile(path)) {
      String reason = Files.isDirectory(path) ? "it is a directory" : "no such file";
      throw new IOException(RasterReader.cannotDecode(name, reason));
    }
    long size = Files.size(path);
    try (ImageInputStream in = new FileImageInputStream(path.toFile())) {
      return decode(in, name, size, maxPixels);
    }
  }

  public static FloatImage read(byte[] bytes, String name) throws IOException {
    return read(bytes, name, DEFAULT_MAX_PIXELS);
  }

  /** Decodes in-memory file content; name only labels error messages. */
  public static FloatImage read(byte[] bytes, String name, long maxPixels) throws IOException {
    try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
      return decode(in, name, bytes.length, maxPixels);
    }
  }

  private static FloatImage decode(ImageInputStream in, String name, long size, long maxPixels)
      throws IOException {
    return toRgb(RasterReader.decode(in, name, size, maxPixels, null));
  }

  /**
   * The model's view of a raster: three [0,1] planes. Gray is replicated, alpha dropped, and a
   * multi-band raster shows its first three bands (the job chooses bands by configuration).
   */
  static FloatImage toRgb(DecodedRaster raster) {
    Samples s = raster.samples();
    boolean gray = raster.header().layout() == RasterLayout.GRAY
        || raster.header().layout() == RasterLayout.GRAY_ALPHA || s.bands() < 3;
    int plane = s.height() * s.width();
    float[] v = new float[3 * plane];
    for (int c = 0; c < 3; c++) {
      System.arraycopy(s.normalizedBand(gray ? 0 : c), 0, v, c * plane, plane);
    }
    return new FloatImage(3, s.height(), s.width(), v);
  }

  /** Writes in the format named by the file extension (.png, .jpg/.jpeg, .tif/.tiff). */
  public static void write(FloatImage image, Path path) throws IOException {
    write(image, path, ImageFormat.fromPath(path));
  }

  /** format: "png", "jpeg" or "tiff" (also "jpg", "tif"). */
  public static void write(FloatImage image, Path path, String format) throws IOException {
    write(image, path, ImageFormat.fromName(format));
  }

  /** Quantises to 8 bits and writes atomically (temp file in the same folder, then rename). */
  public static void write(FloatImage image, Path path, ImageFormat format) throws IOException {
    AtomicFiles.write(path, encode(image, format));
  }

  public static byte[] encode(FloatImage image, String format) throws IOException {
    return encode(image, ImageFormat.fromName(format));
  }

  /** The file content: 8-bit RGB for 3 channels, 8-bit gray for 1 channel. */
  public static byte[] encode(FloatImage image, ImageFormat format) throws IOException {
    int[] values = Quantizer.quantize(image);
    return encode(BufferedImages.fromUint8(values, image.channels(), image.height(),
        image.width()), format);
  }

  /** The file content of planar unsigned 8-bit samples (1 or 3 channels). */
  public static byte[] encodeBytes(byte[] planar, int channels, int height, int width,
      ImageFormat format) throws IOException {
    if ((long) channels * height * width != planar.length) {
      throw new IllegalArgumentException("sample count " + planar.length + " != " + channels + "x"
          + height + "x" + width);
    }
    return encode(BufferedImages.fromBytes(planar, channels, height, width), format);
  }

  /** Same as {@link Quantizer#quantize}: clamp, x255, round half to even; planar CHW. */
  public static int[] quantize(FloatImage image) {
    return Quantizer.quantize(image);
  }

  /** An 8-bit gray file (e.g. a class map) from row-major values in 0..255. */
  public static void writeGray8(int[] values, int height, int width, Path path)
      throws IOException {
    if ((long) height * width != values.length) {
      throw new IllegalArgumentException("gray map length " + values.length + " != " + height
          + "x" + width);
    }
    for (int v : values) {
      if (v < 0 || v > 255) {
        throw new IllegalArgumentException("gray value " + v + " outside 0..255");
      }
    }
    BufferedImage image = BufferedImages.fromUint8(values, 1, height, width);
    AtomicFiles.write(path, encode(image, ImageFormat.fromPath(path)));
  }

  /** An 8-bit gray file from row-major unsigned bytes. */
  public static void writeGray8(byte[] values, int height, int width, Path path)
      throws IOException {
    int[] ints = new int[values.length];
    for (int i = 0; i < values.length; i++) {
      ints[i] = values[i] & 0xff;
    }
    writeGray8(ints, height, width, path);
  }

  private static byte[] encode(BufferedImage image, ImageFormat format) throws IOException {
    if (format == ImageFormat.PNG) {
      byte[] png = PngEncoder.encodeOrNull(image);
      if (png != null) {
        return png;
      }
    }
    Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName(format.imageIoName());
    if (!writers.hasNext()) {
      throw new IOException("no ImageIO writer for " + format + " on the class path");
    }
    ImageWriter writer = writers.next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
      writer.setOutput(out);
      writer.write(null, new IIOImage(image, null, null), writeParam(writer, format));
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }

  private static ImageWriteParam writeParam(ImageWriter writer, ImageFormat format) {
    ImageWriteParam param = writer.getDefaultWriteParam();
    if (format == ImageFormat.JPEG) {
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(JPEG_QUALITY);
    } else if (format == ImageFormat.PNG && param.canWriteCompressed()) {
      // the JDK maps quality q to deflate level round(9 * (1 - q)): PNG_QUALITY keeps files
      // within a few % of the default level at a fraction of its time (docs/PERFORMANCE.md)
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(PNG_QUALITY);
    } else if (format == ImageFormat.TIFF && param.canWriteCompressed()) {
      // lossless and widely readable; uncompressed TIFFs of 2K images are needlessly large
      for (String type : param.getCompressionTypes()) {
        if (type.equals("LZW")) {
          param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
          param.setCompressionType(type);
          break;
        }
      }
    }
    return param;
  }
}
