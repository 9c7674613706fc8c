package io.pcsr.udf.image;

import java.awt.Rectangle;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes PNG, JPEG and TIFF into {@link DecodedRaster}s that keep the stored sample type and
 * band layout: 16-bit stays 16-bit, gray stays gray, alpha and extra bands are kept. Only what
 * has no band-per-channel form is converted, to 8-bit RGB(A): palettes (gray palettes become
 * gray), CMYK and other colour spaces. A region can be decoded alone; TIFF readers then read only
 * the strips or tiles it touches. The decoder is chosen from the content, never from the name.
 */
public final class RasterReader {
  static {
    // the registry scans for plugins (TwelveMonkeys) only with the class loader active at its
    // first use; rescan with ours so that Spark's application class loader is covered too
    ImageIO.scanForPlugins();
  }

  private RasterReader() {}

  /** Decodes the whole image (region null) or one region of it. */
  public static DecodedRaster decode(ImageInputStream in, String name, long size, long maxPixels,
      Rectangle region) throws IOException {
    return open(in, name, size, maxPixels, false, (reader, format) -> {
      int width = reader.getWidth(0);
      int height = reader.getHeight(0);
      // TwelveMonkeys' TIFF reader (3.14) fails on tiled files for regions narrower than the
      // image, so it is given whole rows and the columns are cut here
      boolean fullRows = region != null && format == ImageFormat.TIFF;
      Rectangle read = fullRows ? new Rectangle(0, region.y, width, region.height) : region;
      ImageReadParam param = reader.getDefaultReadParam();
      if (read != null) {
        param.setSourceRegion(read);
      }
      BufferedImage image;
      try {
        image = reader.read(0, param);
      } catch (IOException | RuntimeException e) {
        throw new IOException(cannotDecode(name, "corrupt or truncated " + label(format)
            + " data: " + reason(e)), e);
      }
      byte[] fields = region == null ? tiffFields(reader, format) : new byte[0];
      DecodedRaster decoded = convert(image, format, width, height, fields);
      if (decoded.header().type() == SampleType.FLOAT32 && reader.canReadRaster()) {
        // a BufferedImage's float samples may have been rescaled into [0,1] for display; the
        // raster holds them as stored
        Raster stored = reader.readRaster(0, param);
        decoded = new DecodedRaster(decoded.header(),
            copyBands(stored, SampleType.FLOAT32, decoded.header().bands()));
      }
      if (fullRows && region.width != width) {
        decoded = new DecodedRaster(decoded.header(),
            decoded.samples().crop(0, region.x, region.height, region.width));
      }
      return decoded;
    });
  }

  /**
   * The samples of one region of an image whose header is already known (a tile of a huge
   * TIFF). A classic TIFF goes to the JDK's reader first, which reads only the strips or tiles
   * under the region (about 10 ms for a 272² region of a tiled 4000² file, against 190 ms for
   * the whole rows TwelveMonkeys needs); when that reader cannot give the stored layout (it
   * converts some multi-band files) or cannot read the file (BigTIFF), {@link #decode} does.
   * Either way the result must match the known header.
   */
  public static Samples decodeRegion(ImageInputStream in, String name, long size,
      long maxPixels, Rectangle region, RasterHeader expected) throws IOException {
    Samples samples = null;
    if (expected.format() == ImageFormat.TIFF && expected.convertedFrom().isEmpty()) {
      samples = open(in, name, size, maxPixels, true, (reader, format) -> {
        if (!isJdkTiff(reader)) {
          return null;
        }
        ImageReadParam param = reader.getDefaultReadParam();
        param.setSourceRegion(region);
        BufferedImage image;
        try {
          image = reader.read(0, param);
        } catch (IOException | RuntimeException e) {
          throw new IOException(cannotDecode(name, "corrupt or truncated TIFF data in region "
              + region + ": " + reason(e)), e);
        }
        DecodedRaster d;
        try {
          d = convert(image, format, reader.getWidth(0), reader.getHeight(0), new byte[0]);
        } catch (IllegalArgumentException e) {
          return null;
        }
        boolean asStored = d.header().type() == expected.type()
            && d.header().layout() == expected.layout() && d.header().bands() == expected.bands()
            && d.header().convertedFrom().isEmpty() && expected.type() != SampleType.FLOAT32;
        return asStored ? d.samples() : null;
      });
      in.seek(0);
    }
    if (samples == null) {
      samples = decode(in, name, size, maxPixels, region).samples();
    }
    if (samples.type() != expected.type() || samples.bands() != expected.bands()
        || samples.height() != region.height || samples.width() != region.width) {
      throw new IOException(cannotDecode(name, "region " + region + " decoded as " + samples
          + ", but the image was listed as " + expected.describe()));
    }
    return samples;
  }

  /** The header only: dimensions, layout and sample type, without decoding pixels. */
  public static RasterHeader header(ImageInputStream in, String name, long size, long maxPixels)
      throws IOException {
    return open(in, name, size, maxPixels, false, (reader, format) -> {
      // one row tells the layout and type the full decode would produce (a whole row, because
      // TwelveMonkeys' TIFF reader cannot cut columns from tiled files)
      ImageReadParam param = reader.getDefaultReadParam();
      param.setSourceRegion(new Rectangle(0, 0, reader.getWidth(0), 1));
      BufferedImage probe = reader.read(0, param);
      return convert(probe, format, reader.getWidth(0), reader.getHeight(0),
          tiffFields(reader, format)).header();
    });
  }

  private interface Body<T> {
    T run(ImageReader reader, ImageFormat format) throws IOException;
  }

  /**
   * @param preferJdkTiff use the JDK's TIFF reader when it can read the file (classic TIFF):
   *     it decodes regions by reading only the tiles under them
   */
  private static <T> T open(ImageInputStream in, String name, long size, long maxPixels,
      boolean preferJdkTiff, Body<T> body) throws IOException {
    if (size == 0) {
      throw new IOException(cannotDecode(name, "the file is empty"));
    }
    Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
    if (!readers.hasNext()) {
      throw new IOException(cannotDecode(name,
          "not a recognised image format (expected PNG, JPEG or TIFF content)"));
    }
    ImageReader reader = readers.next();
    while (preferJdkTiff && !isJdkTiff(reader) && readers.hasNext()) {
      ImageReader next = readers.next();
      if (isJdkTiff(next)) {
        reader.dispose();
        reader = next;
      }
    }
    ImageFormat format = format(reader);
    try {
      reader.setInput(in, true, false);
      long width;
      long height;
      try {
        width = reader.getWidth(0);
        height = reader.getHeight(0);
      } catch (IOException | RuntimeException e) {
        throw new IOException(cannotDecode(name, "corrupt " + label(format) + " header: "
            + reason(e)), e);
      }
      if (width * height > maxPixels) {
        throw new IOException(cannotDecode(name, "its header declares " + width + "x" + height
            + " = " + width * height + " pixels, more than the limit of " + maxPixels
            + " (refused before decoding, as a guard against decompression bombs)"));
      }
      try {
        return body.run(reader, format);
      } catch (IllegalArgumentException e) {
        throw new IOException(cannotDecode(name, reason(e)), e);
      }
    } finally {
      reader.dispose();
    }
  }

  private static boolean isJdkTiff(ImageReader reader) {
    return reader.getClass().getName().startsWith("com.sun.imageio.plugins.tiff.");
  }

  private static byte[] tiffFields(ImageReader reader, ImageFormat format) throws IOException {
    if (format != ImageFormat.TIFF) {
      return new byte[0];
    }
    IIOMetadata metadata = reader.getImageMetadata(0);
    return TiffMetadataBridge.carriedOver(metadata);
  }

  /** The samples of a decoded image, in its own type and layout where one exists. */
  static DecodedRaster convert(BufferedImage image, ImageFormat format, int width, int height,
      byte[] tiffFields) {
    ColorModel cm = image.getColorModel();
    Raster raster = image.getRaster();
    if (cm instanceof IndexColorModel palette) {
      return fromPalette(raster, palette, format, width, height, tiffFields);
    }
    int space = cm.getColorSpace().getType();
    SampleType type = sampleType(raster.getDataBuffer().getDataType());
    boolean bandPerChannel = cm instanceof ComponentColorModel && type != null
        && (space == ColorSpace.TYPE_GRAY || space == ColorSpace.TYPE_RGB);
    if (bandPerChannel) {
      if (cm.isAlphaPremultiplied()) {
        image.coerceData(false);
        raster = image.getRaster();
      }
      int bands = raster.getNumBands();
      RasterLayout layout = layout(space, bands, cm.hasAlpha());
      Samples s = copyBands(raster, type, bands);
      return new DecodedRaster(new RasterHeader(format, layout, type, bands, width, height, "",
          tiffFields), s);
    }
    if (type == null && cm instanceof ComponentColorModel) {
      throw new IllegalArgumentException("samples of type " + dataTypeName(raster) + " are not"
          + " supported (8/16-bit unsigned, 16-bit signed or 32-bit float)");
    }
    String from = space == ColorSpace.TYPE_CMYK ? "cmyk"
        : space == ColorSpace.TYPE_GRAY || space == ColorSpace.TYPE_RGB ? "packed"
        : "colour space " + space;
    return fromArgb(image, format, width, height, from, tiffFields);
  }

  private static RasterLayout layout(int space, int bands, boolean alpha) {
    if (space == ColorSpace.TYPE_GRAY && bands == 1) {
      return RasterLayout.GRAY;
    }
    if (space == ColorSpace.TYPE_GRAY && bands == 2 && alpha) {
      return RasterLayout.GRAY_ALPHA;
    }
    if (space == ColorSpace.TYPE_RGB && bands == 3) {
      return RasterLayout.RGB;
    }
    if (space == ColorSpace.TYPE_RGB && bands == 4 && alpha) {
      return RasterLayout.RGBA;
    }
    return RasterLayout.MULTIBAND;
  }

  private static Samples copyBands(Raster raster, SampleType type, int bands) {
    int h = raster.getHeight();
    int w = raster.getWidth();
    int plane = h * w;
    Samples out = Samples.allocate(type, bands, h, w);
    int x0 = raster.getMinX();
    int y0 = raster.getMinY();
    if (type == SampleType.FLOAT32) {
      float[] dst = (float[]) out.data();
      float[] band = new float[plane];
      for (int b = 0; b < bands; b++) {
        raster.getSamples(x0, y0, w, h, b, band);
        System.arraycopy(band, 0, dst, b * plane, plane);
      }
      return out;
    }
    int[] band = new int[plane];
    for (int b = 0; b < bands; b++) {
      raster.getSamples(x0, y0, w, h, b, band);
      int off = b * plane;
      if (type == SampleType.UINT8) {
        byte[] dst = (byte[]) out.data();
        for (int i = 0; i < plane; i++) {
          dst[off + i] = (byte) band[i];
        }
      } else {
        short[] dst = (short[]) out.data();
        for (int i = 0; i < plane; i++) {
          dst[off + i] = (short) band[i];
        }
      }
    }
    return out;
  }

  /** Palettes hold 8-bit colours: expanded to gray, RGB or RGBA (transparency kept as alpha). */
  private static DecodedRaster fromPalette(Raster raster, IndexColorModel palette,
      ImageFormat format, int width, int height, byte[] tiffFields) {
    int h = raster.getHeight();
    int w = raster.getWidth();
    int plane = h * w;
    int[] index = raster.getSamples(raster.getMinX(), raster.getMinY(), w, h, 0, new int[plane]);
    boolean gray = true;
    for (int i = 0; i < palette.getMapSize(); i++) {
      int r = palette.getRed(i);
      gray &= r == palette.getGreen(i) && r == palette.getBlue(i);
    }
    boolean alpha = palette.hasAlpha();
    int colour = gray ? 1 : 3;
    int bands = colour + (alpha ? 1 : 0);
    Samples out = Samples.allocate(SampleType.UINT8, bands, h, w);
    byte[] dst = (byte[]) out.data();
    for (int i = 0; i < plane; i++) {
      int p = index[i];
      if (gray) {
        dst[i] = (byte) palette.getRed(p);
      } else {
        dst[i] = (byte) palette.getRed(p);
        dst[plane + i] = (byte) palette.getGreen(p);
        dst[2 * plane + i] = (byte) palette.getBlue(p);
      }
      if (alpha) {
        dst[colour * plane + i] = (byte) palette.getAlpha(p);
      }
    }
    RasterLayout layout = gray ? (alpha ? RasterLayout.GRAY_ALPHA : RasterLayout.GRAY)
        : (alpha ? RasterLayout.RGBA : RasterLayout.RGB);
    String from = palette.getPixelSize() < 8 && gray ? "gray-" + palette.getPixelSize() + "bit"
        : "palette";
    return new DecodedRaster(new RasterHeader(format, layout, SampleType.UINT8, bands, width,
        height, from, tiffFields), out);
  }

  /** CMYK, YCbCr, packed pixels...: Java2D's colour conversion to 8-bit sRGB, alpha kept. */
  private static DecodedRaster fromArgb(BufferedImage image, ImageFormat format, int width,
      int height, String from, byte[] tiffFields) {
    int h = image.getHeight();
    int w = image.getWidth();
    int plane = h * w;
    // JPEG has no alpha; a CMYK decoder's 4th component is not one
    boolean alpha = image.getColorModel().hasAlpha() && format != ImageFormat.JPEG;
    int bands = alpha ? 4 : 3;
    Samples out = Samples.allocate(SampleType.UINT8, bands, h, w);
    byte[] dst = (byte[]) out.data();
    int[] row = new int[w];
    for (int y = 0; y < h; y++) {
      image.getRGB(0, y, w, 1, row, 0, w);
      for (int x = 0; x < w; x++) {
        int i = y * w + x;
        dst[i] = (byte) (row[x] >> 16);
        dst[plane + i] = (byte) (row[x] >> 8);
        dst[2 * plane + i] = (byte) row[x];
        if (alpha) {
          dst[3 * plane + i] = (byte) (row[x] >>> 24);
        }
      }
    }
    return new DecodedRaster(new RasterHeader(format, alpha ? RasterLayout.RGBA : RasterLayout.RGB,
        SampleType.UINT8, bands, width, height, from, tiffFields), out);
  }

  private static SampleType sampleType(int dataType) {
    return switch (dataType) {
      case DataBuffer.TYPE_BYTE -> SampleType.UINT8;
      case DataBuffer.TYPE_USHORT -> SampleType.UINT16;
      case DataBuffer.TYPE_SHORT -> SampleType.INT16;
      case DataBuffer.TYPE_FLOAT -> SampleType.FLOAT32;
      default -> null;
    };
  }

  private static String dataTypeName(Raster raster) {
    return switch (raster.getDataBuffer().getDataType()) {
      case DataBuffer.TYPE_INT -> "32-bit integer";
      case DataBuffer.TYPE_DOUBLE -> "64-bit float";
      default -> "data type " + raster.getDataBuffer().getDataType();
    };
  }

  static ImageFormat format(ImageReader reader) {
    try {
      String name = reader.getFormatName().toLowerCase(Locale.ROOT);
      if (name.contains("png")) {
        return ImageFormat.PNG;
      }
      if (name.contains("jpeg") || name.contains("jpg")) {
        return ImageFormat.JPEG;
      }
      if (name.contains("tif")) {
        return ImageFormat.TIFF;
      }
      throw new IllegalArgumentException(name + " content is not supported (PNG, JPEG or TIFF)");
    } catch (IOException e) {
      throw new IllegalArgumentException("unknown image format", e);
    }
  }

  private static String label(ImageFormat format) {
    return format.imageIoName().toUpperCase(Locale.ROOT);
  }

  static String reason(Throwable e) {
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }

  static String cannotDecode(String name, String reason) {
    return "cannot decode image '" + name + "': " + reason;
  }
}
