package io.pcsr.udf.image.tiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pcsr.udf.image.FloatImage;
import io.pcsr.udf.image.ImageCodec;
import io.pcsr.udf.image.SampleType;
import io.pcsr.udf.image.Samples;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tiles compressed elsewhere (on the executors that computed them) and appended by the writer
 * make the same file, byte for byte, as tiles the writer compresses itself.
 */
class TiffEncodedTilesTest {
  @TempDir Path tmp;

  @Test
  void preEncodedTilesGiveTheSameFile() throws Exception {
    FloatImage photo = ImageCodec.read(Path.of("../deploy/samples/chelsea.png"));
    Samples s = Samples.allocate(SampleType.UINT16, 3, photo.height(), photo.width());
    for (int i = 0; i < photo.data().length; i++) {
      s.setFlat(i, SampleType.UINT16.quantize(photo.data()[i]));
    }
    TiffLayout layout = TiffLayout.of(s.width(), s.height(), 3, SampleType.UINT16)
        .withTiles(64, 48).withBigTiff(TiffLayout.BigTiff.ALWAYS);
    Path direct = tmp.resolve("direct.tif");
    TiledTiffWriter.write(direct, layout, s);
    Path appended = tmp.resolve("appended.tif");
    try (TiledTiffWriter w = TiledTiffWriter.open(appended, layout)) {
      for (int row = 0; row < layout.tilesDown(); row++) {
        for (int col = 0; col < layout.tilesAcross(); col++) {
          int y = row * 48;
          int x = col * 64;
          Samples tile = s.crop(y, x, Math.min(48, s.height() - y), Math.min(64, s.width() - x));
          w.writeEncodedTile(row, col, TiledTiffWriter.encodeTile(layout, row, col, tile));
        }
      }
    }
    assertArrayEquals(Files.readAllBytes(direct), Files.readAllBytes(appended));
    assertThrows(IllegalArgumentException.class, () -> TiledTiffWriter.encodeTile(layout, 0, 0,
        s.crop(0, 0, 10, 10)), "a tile of the wrong size is refused before it is encoded");
  }
}
