package io.pcsr.udf.image.tiff;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.imageio.metadata.IIOMetadata;
import org.w3c.dom.Node;

/** Reading the TIFF fields of an input image and choosing the ones worth copying. */
public final class TiffFields {
  /** The JDK's TIFF plugin (javax.imageio.plugins.tiff). */
  public static final String JDK_FORMAT = "javax_imageio_tiff_image_1.0";
  /** TwelveMonkeys' TIFF plugin names its identical tree after the old JAI plugin. */
  public static final String TWELVEMONKEYS_FORMAT = "com_sun_media_imageio_plugins_tiff_image_1.0";

  private static final Set<Integer> CARRIED = Set.of(
      TiffTags.MODEL_PIXEL_SCALE, TiffTags.MODEL_TIEPOINT, TiffTags.MODEL_TRANSFORMATION,
      TiffTags.GEO_KEY_DIRECTORY, TiffTags.GEO_DOUBLE_PARAMS, TiffTags.GEO_ASCII_PARAMS,
      TiffTags.GDAL_METADATA, TiffTags.GDAL_NODATA,
      TiffTags.IMAGE_DESCRIPTION, TiffTags.MAKE, TiffTags.MODEL, TiffTags.SOFTWARE,
      TiffTags.DATE_TIME, TiffTags.ARTIST, TiffTags.HOST_COMPUTER, TiffTags.COPYRIGHT,
      TiffTags.DOCUMENT_NAME, TiffTags.PAGE_NAME);

  private TiffFields() {}

  /**
   * All fields of the image's own IFD (not of sub-IFDs such as EXIF), from the native TIFF
   * metadata tree of either the JDK or the TwelveMonkeys reader. Fields of a type this package
   * does not model (IFD pointers) are left out.
   *
   * <p>The JDK reader only reports tags of the tag sets it knows (baseline, EXIF, GeoTIFF) and
   * drops the rest, GDAL_METADATA and GDAL_NODATA among them, unless the image was first read
   * with a {@code TIFFImageReadParam} whose {@code setReadUnknownTags(true)}; TwelveMonkeys
   * reports every tag.
   */
  public static List<TiffField> read(IIOMetadata imageMetadata) {
    String format = tiffFormatOf(imageMetadata);
    Node root = imageMetadata.getAsTree(format);
    List<TiffField> fields = new ArrayList<>();
    for (Node ifd = root.getFirstChild(); ifd != null; ifd = ifd.getNextSibling()) {
      if (!"TIFFIFD".equals(ifd.getNodeName())) {
        continue;
      }
      for (Node f = ifd.getFirstChild(); f != null; f = f.getNextSibling()) {
        if ("TIFFField".equals(f.getNodeName())) {
          TiffMetadataNodes.toField(f).ifPresent(fields::add);
        }
      }
      break; // the first IFD is the image's; nested ones are sub-IFDs
    }
    return fields;
  }

  /**
   * The fields that still describe an upscaled copy of the image: georeferencing (to be
   * rescaled with {@link GeoTiff#scaled}), GDAL metadata and no-data, and descriptive text.
   * Everything about the pixel layout is dropped because the writer sets it anew.
   */
  public static List<TiffField> carriedOver(List<TiffField> fields) {
    return fields.stream().filter(f -> CARRIED.contains(f.tag())).toList();
  }

  public static Optional<TiffField> find(List<TiffField> fields, int tag) {
    return fields.stream().filter(f -> f.tag() == tag).findFirst();
  }

  /** The list with {@code field} in place of any field with the same tag. */
  public static List<TiffField> replace(List<TiffField> fields, TiffField field) {
    List<TiffField> out = new ArrayList<>(fields.size() + 1);
    boolean replaced = false;
    for (TiffField f : fields) {
      if (f.tag() == field.tag()) {
        if (!replaced) {
          out.add(field);
          replaced = true;
        }
      } else {
        out.add(f);
      }
    }
    if (!replaced) {
      out.add(field);
    }
    return out;
  }

  private static String tiffFormatOf(IIOMetadata metadata) {
    List<String> names = new ArrayList<>();
    names.add(metadata.getNativeMetadataFormatName());
    String[] extra = metadata.getExtraMetadataFormatNames();
    if (extra != null) {
      names.addAll(Arrays.asList(extra));
    }
    for (String name : names) {
      if (JDK_FORMAT.equals(name) || TWELVEMONKEYS_FORMAT.equals(name)) {
        return name;
      }
    }
    throw new IllegalArgumentException("not TIFF image metadata: formats " + names);
  }
}
