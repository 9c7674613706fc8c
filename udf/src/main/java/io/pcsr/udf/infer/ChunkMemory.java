package io.pcsr.udf.infer;

import io.pcsr.udf.model.PcsrModel;
import io.pcsr.udf.model.PixelMlp;

/**
 * Device bytes that one LR pixel of a chunk holds at the peak of {@link PcsrEngine}'s work, for
 * a model, scale and precision: the input of {@link ChunkSizing}. An upper estimate by
 * construction, counted from what the engine keeps alive at once.
 *
 * <p>Upsampling is the peak: a chunk's light-path arrays stay attached to the chunk while the
 * heavy path runs. Per HR row of an MLP: the first-layer pre-activation and its gathered offset
 * bias, two arrays as wide as the widest layer (a ReLU's input and output), the output, and its
 * float32 copy for the host. Per HR row of the heavy path: two gather indices (counted as int64,
 * what CUDA indexing widens them to). Per LR pixel: each MLP's feature projection.
 */
public final class ChunkMemory {
  private static final int INDEX_BYTES = 8;
  private static final int FLOAT32_BYTES = 4;

  private ChunkMemory() {}

  public static long bytesPerLrPixel(PcsrModel model, int scale) {
    int elem = model.precision().bytes();
    long s2 = (long) scale * scale;
    long upsample = s2 * (perHrRow(model.light(), elem) + perHrRow(model.heavy(), elem)
        + 2L * INDEX_BYTES) + (long) elem * (model.light().firstWidth() + model.heavy().firstWidth());
    long classify = s2 * perHrRow(model.classifier(), elem)
        + (long) elem * model.classifier().firstWidth();
    return Math.max(upsample, classify);
  }

  private static long perHrRow(PixelMlp mlp, int elem) {
    return (long) elem * (2L * mlp.firstWidth() + 2L * mlp.widestLayer() + mlp.outDim())
        + (long) FLOAT32_BYTES * mlp.outDim();
  }
}
