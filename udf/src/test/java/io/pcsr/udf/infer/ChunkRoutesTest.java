package io.pcsr.udf.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A chunk's heavy rows are the flagged HR pixels of its LR pixels, in pixel and offset order;
 * routing it in parallel pieces (as on a GPU) lists the same rows in the same order.
 */
class ChunkRoutesTest {

  @Test
  void parallelPiecesGiveTheSequentialRows() {
    int width = 100;
    int height = 230; // 23 000 LR pixels: three pieces, the last one short
    int scale = 4;
    byte[] flags = new byte[width * height * scale * scale];
    Random r = new Random(5);
    for (int i = 0; i < flags.length; i++) {
      flags[i] = (byte) (r.nextInt(4) == 0 ? 1 : 0);
    }
    // a chunk that starts and ends inside rows, and the whole region
    for (int[] range : new int[][] {{150, 21_037}, {0, width * height}}) {
      ChunkRoutes one = ChunkRoutes.of(flags, range[0], range[1], width, scale, false);
      ChunkRoutes pieces = ChunkRoutes.of(flags, range[0], range[1], width, scale, true);
      assertTrue(one.heavyCount() > 0 && !one.allHeavy(), "a mixed chunk");
      assertEquals(one.heavyCount(), pieces.heavyCount());
      assertArrayEquals(one.heavy().hrIndex(), pieces.heavy().hrIndex());
      assertArrayEquals(one.heavy().lrIndex(), pieces.heavy().lrIndex());
      assertArrayEquals(one.heavy().offsetIndex(), pieces.heavy().offsetIndex());
      // and the rows are what the flags say, worked out from each pixel's row and column
      java.util.List<Integer> expected = new java.util.ArrayList<>();
      for (int p = range[0]; p < range[1]; p++) {
        for (int t = 0; t < scale * scale; t++) {
          int hr = ((p / width) * scale + t / scale) * width * scale + (p % width) * scale
              + t % scale;
          if (flags[hr] != 0) {
            expected.add(hr);
            int row = expected.size() - 1;
            assertEquals(p - range[0], one.heavy().lrIndex()[row], "LR pixel of row " + row);
            assertEquals(t, one.heavy().offsetIndex()[row], "offset of row " + row);
          }
        }
      }
      assertArrayEquals(expected.stream().mapToInt(Integer::intValue).toArray(),
          one.heavy().hrIndex());
    }
  }

  @Test
  void allHeavyChunksListNoRows() {
    byte[] flags = new byte[64 * 64 * 16];
    java.util.Arrays.fill(flags, (byte) 1);
    ChunkRoutes routes = ChunkRoutes.of(flags, 0, 64 * 64, 64, 4, true);
    assertTrue(routes.allHeavy());
    assertEquals(0, routes.heavy().size());
  }
}
