package io.pcsr.udf.image;

import io.pcsr.udf.image.tiff.TiffField;
import io.pcsr.udf.image.tiff.TiffFields;
import javax.imageio.metadata.IIOMetadata;

/** The TIFF tags of a decoded file worth carrying onto its upscaled twin, encoded for rows. */
final class TiffMetadataBridge {
  private TiffMetadataBridge() {}

  static byte[] carriedOver(IIOMetadata metadata) {
    return TiffField.encodeAll(TiffFields.carriedOver(TiffFields.read(metadata)));
  }
}
