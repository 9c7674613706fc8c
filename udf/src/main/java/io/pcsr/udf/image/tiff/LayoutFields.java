package io.pcsr.udf.image.tiff;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The fields of the IFD the writer produces: the layout's own tags plus the copied ones. */
final class LayoutFields {
  private LayoutFields() {}

  static List<TiffField> of(TiffLayout layout, long[] offsets, long[] byteCounts,
      boolean bigTiff) {
    int bands = layout.bands();
    List<TiffField> f = new ArrayList<>(layout.fields());
    f.add(TiffField.integers(TiffTags.IMAGE_WIDTH, TiffType.LONG, layout.width()));
    f.add(TiffField.integers(TiffTags.IMAGE_LENGTH, TiffType.LONG, layout.height()));
    f.add(TiffField.shorts(TiffTags.BITS_PER_SAMPLE, repeat(layout.sampleType().bits(), bands)));
    f.add(TiffField.shorts(TiffTags.COMPRESSION, layout.compression().code()));
    f.add(TiffField.shorts(TiffTags.PHOTOMETRIC, layout.photometric().code()));
    f.add(TiffField.shorts(TiffTags.SAMPLES_PER_PIXEL, bands));
    f.add(TiffField.shorts(TiffTags.PLANAR_CONFIGURATION, 1));
    f.add(TiffField.integers(TiffTags.TILE_WIDTH, TiffType.LONG, layout.tileWidth()));
    f.add(TiffField.integers(TiffTags.TILE_LENGTH, TiffType.LONG, layout.tileHeight()));
    // Classic TIFF readers do not know LONG8; the writer has already kept offsets below 4 GiB.
    TiffType offsetType = bigTiff ? TiffType.LONG8 : TiffType.LONG;
    f.add(TiffField.integers(TiffTags.TILE_OFFSETS, offsetType, offsets));
    f.add(TiffField.integers(TiffTags.TILE_BYTE_COUNTS, offsetType, byteCounts));
    if (!layout.extraSamples().isEmpty()) {
      f.add(TiffField.shorts(TiffTags.EXTRA_SAMPLES, layout.extraSamples().stream()
          .mapToInt(TiffLayout.ExtraSample::code).toArray()));
    }
    f.add(TiffField.shorts(TiffTags.SAMPLE_FORMAT, repeat(sampleFormat(layout), bands)));
    return f;
  }

  /** SampleFormat: 1 unsigned integer, 2 signed integer, 3 IEEE float. */
  private static int sampleFormat(TiffLayout layout) {
    return switch (layout.sampleType()) {
      case UINT8, UINT16 -> 1;
      case INT16 -> 2;
      case FLOAT32 -> 3;
    };
  }

  private static int[] repeat(int value, int times) {
    return Collections.nCopies(times, value).stream().mapToInt(Integer::intValue).toArray();
  }
}
