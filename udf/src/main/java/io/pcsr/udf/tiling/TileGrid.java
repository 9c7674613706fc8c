package io.pcsr.udf.tiling;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts an LR image into tiles.
 *
 * <p>Exact mode: cores of {@code tileSize} x {@code tileSize} cover the image once; each tile's
 * input adds a halo at least as wide as the backbone's receptive radius plus the two pixels the
 * bilinear residual and the refinement reach, so every core pixel is computed from the same
 * inputs as in whole-image inference and the stitched image equals it (up to float rounding).
 *
 * <p>Paper mode: the official evaluation protocol, 32x32 patches at stride 28 over the image
 * top-left-cropped to that grid, no halo; overlaps are averaged when stitching.
 */
public final class TileGrid {
  public static final int PAPER_PATCH = 32;
  public static final int PAPER_STEP = 28;

  private TileGrid() {}

  /** The halo exact mode needs for a backbone of this receptive radius. */
  public static int exactHalo(int receptiveRadius) {
    return receptiveRadius + 2;
  }

  public static List<Tile> exact(int height, int width, int tileSize, int halo) {
    if (tileSize <= 0 || halo < 0) {
      throw new IllegalArgumentException("tile size must be positive and halo non-negative");
    }
    List<Tile> tiles = new ArrayList<>();
    int index = 0;
    for (int y = 0; y < height; y += tileSize) {
      for (int x = 0; x < width; x += tileSize) {
        Box core = new Box(y, x, Math.min(tileSize, height - y), Math.min(tileSize, width - x));
        Box input = core.grow(halo, height, width);
        Box region = core.grow(1, height, width);
        tiles.add(new Tile(index++, core, input, region));
      }
    }
    return tiles;
  }

  /** LR size the paper's patch grid covers; the official code drops the rest. */
  public static int paperExtent(int size) {
    if (size < PAPER_PATCH) {
      throw new IllegalArgumentException("paper mode needs at least " + PAPER_PATCH
          + " LR pixels per side, got " + size);
    }
    return ((size - PAPER_PATCH + PAPER_STEP) / PAPER_STEP - 1) * PAPER_STEP + PAPER_PATCH;
  }

  public static List<Tile> paper(int height, int width) {
    int h = paperExtent(height);
    int w = paperExtent(width);
    List<Tile> tiles = new ArrayList<>();
    int index = 0;
    for (int y = 0; y + PAPER_PATCH <= h; y += PAPER_STEP) {
      for (int x = 0; x + PAPER_PATCH <= w; x += PAPER_STEP) {
        Box patch = new Box(y, x, PAPER_PATCH, PAPER_PATCH);
        tiles.add(new Tile(index++, patch, patch, patch));
      }
    }
    return tiles;
  }
}
