package io.pcsr.udf.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Routing a chunk in parallel pieces (as on a GPU) lists the same heavy rows in the same order. */
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
