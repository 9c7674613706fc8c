package io.pcsr.udf.image.tiff;

import static io.pcsr.udf.image.tiff.TiffLayout.ExtraSample.UNASSOCIATED_ALPHA;
import static io.pcsr.udf.image.tiff.TiffLayout.ExtraSample.UNSPECIFIED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pcsr.udf.image.SampleType;
import java.util.List;
import org.junit.jupiter.api.Test;

class TiffLayoutTest {
  @Test
  void defaultsNameAlphaOnlyForGrayAlphaAndRgba() {
    assertEquals(List.of(), TiffLayout.of(10, 10, 1, SampleType.UINT8).extraSamples());
    assertEquals(List.of(UNASSOCIATED_ALPHA), TiffLayout.of(10, 10, 2, SampleType.UINT8)
        .extraSamples());
    assertEquals(TiffLayout.Photometric.RGB, TiffLayout.of(10, 10, 3, SampleType.UINT8)
        .photometric());
    assertEquals(List.of(UNASSOCIATED_ALPHA), TiffLayout.of(10, 10, 4, SampleType.UINT8)
        .extraSamples());
    assertEquals(List.of(UNSPECIFIED, UNSPECIFIED, UNSPECIFIED),
        TiffLayout.of(10, 10, 6, SampleType.UINT8).extraSamples());
  }

  @Test
  void tileSidesMustBeMultiplesOf16() {
    TiffLayout layout = TiffLayout.of(1000, 1000, 3, SampleType.UINT8);
    String msg = assertThrows(IllegalArgumentException.class, () -> layout.withTiles(100, 256))
        .getMessage();
    assertTrue(msg.contains("tile width") && msg.contains("multiple of 16"), msg);
    assertThrows(IllegalArgumentException.class, () -> layout.withTiles(256, 0));
    assertEquals(4, layout.withTiles(256, 512).tilesAcross());
    assertEquals(2, layout.withTiles(256, 512).tilesDown());
  }

  @Test
  void bandsMustMatchPhotometricAndExtraSamples() {
    TiffLayout rgba = TiffLayout.of(10, 10, 4, SampleType.UINT8);
    String msg = assertThrows(IllegalArgumentException.class,
        () -> rgba.withBands(TiffLayout.Photometric.RGB, List.of())).getMessage();
    assertTrue(msg.contains("4 bands"), msg);
    assertEquals(List.of(UNSPECIFIED), rgba.withBands(TiffLayout.Photometric.RGB,
        List.of(UNSPECIFIED)).extraSamples());
  }

  @Test
  void refusesFieldsTheWriterSets() {
    TiffLayout layout = TiffLayout.of(10, 10, 1, SampleType.UINT8);
    String msg = assertThrows(IllegalArgumentException.class, () -> layout.withFields(
        List.of(TiffField.shorts(TiffTags.COMPRESSION, 5)))).getMessage();
    assertTrue(msg.contains("259"), msg);
    assertThrows(IllegalArgumentException.class, () -> layout.withFields(List.of(
        TiffField.ascii(270, "a"), TiffField.ascii(270, "b"))));
  }

  @Test
  void autoPicksBigTiffOnlyWhenAClassicFileCouldOverflow() {
    // 16000^2 RGB bytes: 768 MB, classic.
    assertFalse(TiffLayout.of(16000, 16000, 3, SampleType.UINT8).isBigTiff());
    // 64000^2 RGB 16-bit: 24.6 GB.
    assertTrue(TiffLayout.of(64000, 64000, 3, SampleType.UINT16).isBigTiff());
    // 37000^2 RGB bytes, padded to whole 256-pixel tiles (37120^2): 4.134 GB, under the
    // 4.295 GB of 32-bit offsets; 38000^2 (38144^2 padded, 4.365 GB) is over.
    assertFalse(TiffLayout.of(37000, 37000, 3, SampleType.UINT8)
        .withCompression(TiffLayout.Compression.NONE).isBigTiff());
    assertTrue(TiffLayout.of(38000, 38000, 3, SampleType.UINT8).isBigTiff());
    // The caller may force either way.
    assertTrue(TiffLayout.of(16, 16, 1, SampleType.UINT8)
        .withBigTiff(TiffLayout.BigTiff.ALWAYS).isBigTiff());
    assertFalse(TiffLayout.of(64000, 64000, 3, SampleType.UINT16)
        .withBigTiff(TiffLayout.BigTiff.NEVER).isBigTiff());
  }
}
