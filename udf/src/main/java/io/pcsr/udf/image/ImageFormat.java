package io.pcsr.udf.image;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** The file formats {@link ImageCodec} writes; reading recognises the format from the content. */
public enum ImageFormat {
  PNG("png", List.of("png")),
  JPEG("jpeg", List.of("jpg", "jpeg")),
  TIFF("tiff", List.of("tif", "tiff"));

  private final String imageIoName;
  private final List<String> extensions;

  ImageFormat(String imageIoName, List<String> extensions) {
    this.imageIoName = imageIoName;
    this.extensions = extensions;
  }

  /** The ImageIO format name that selects a writer. */
  public String imageIoName() { return imageIoName; }

  /** "png", "jpeg"/"jpg", "tiff"/"tif", any case. */
  public static ImageFormat fromName(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    for (ImageFormat f : values()) {
      if (f.imageIoName.equals(n) || f.extensions.contains(n)) {
        return f;
      }
    }
    throw new IllegalArgumentException(
        "unsupported image format '" + name + "' (expected png, jpeg or tiff)");
  }

  /** The format implied by a file name's extension. */
  public static ImageFormat fromPath(Path path) {
    String file = path.getFileName() == null ? "" : path.getFileName().toString();
    int dot = file.lastIndexOf('.');
    if (dot < 0 || dot == file.length() - 1) {
      throw new IllegalArgumentException("cannot infer the image format of '" + path
          + "': no file extension (expected .png, .jpg/.jpeg or .tif/.tiff)");
    }
    try {
      return fromName(file.substring(dot + 1));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("cannot infer the image format of '" + path
          + "': unknown extension (expected .png, .jpg/.jpeg or .tif/.tiff)", e);
    }
  }
}
