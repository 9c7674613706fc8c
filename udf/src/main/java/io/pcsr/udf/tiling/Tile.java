package io.pcsr.udf.tiling;

import java.io.Serializable;

/**
 * One unit of distributed work over an LR image.
 *
 * @param index position in the grid, row-major
 * @param core LR pixels whose HR output this tile owns (exact mode: tiles' cores partition the
 *     image; paper mode: overlapping 32x32 patches)
 * @param input LR pixels given to the backbone: the core plus its halo, clipped to the image
 * @param region LR pixels classified and upsampled: the core plus one pixel where the input has
 *     it, so that refinement at the core's edge sees its real neighbours
 */
public record Tile(int index, Box core, Box input, Box region) implements Serializable {}
