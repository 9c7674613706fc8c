package io.pcsr.udf.infer;

import io.pcsr.udf.image.FloatImage;

/**
 * The HR result of a region: RGB in [0,1] space before clamping (the RGB mean added back), the
 * class per HR pixel (0 light, 1 heavy), how many pixels took each path, and how many rows the
 * light MLP actually ran (it runs densely over chunks that have any light pixel).
 */
public record Upsampled(FloatImage image, byte[] heavyFlags, long heavyPixels, long lightPixels,
    long lightRowsExecuted, long upsampleNanos) {}
