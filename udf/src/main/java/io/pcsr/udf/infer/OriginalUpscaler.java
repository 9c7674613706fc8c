package io.pcsr.udf.infer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.pcsr.udf.image.FloatImage;
import io.pcsr.udf.model.LayerCost;
import io.pcsr.udf.model.OriginalModel;

/** Whole images through an original (non-PCSR) x4 network: the baseline PCSR is measured against. */
public final class OriginalUpscaler {
  private final OriginalModel model;

  public OriginalUpscaler(OriginalModel model) {
    this.model = model;
  }

  /** RGB in [0,1] space, unclamped, and the FLOPs of the run. */
  public SrResult upscale(FloatImage lr) {
    long t0 = System.nanoTime();
    int h = lr.height();
    int w = lr.width();
    float[] mean = model.rgbMean();
    float[] hwc = new float[h * w * 3];
    float[] src = lr.data();
    for (int c = 0; c < 3; c++) {
      for (int i = 0; i < h * w; i++) {
        hwc[i * 3 + c] = src[c * h * w + i] - mean[c];
      }
    }
    int s = model.scale();
    float[] out;
    try (NDManager m = NDManager.newBaseManager();
        NDArray input = m.create(hwc, new Shape(1, h, w, 3));
        NDArray hr = model.upscale(input)) {
      out = hr.toFloatArray();
    }
    int hh = h * s;
    int ww = w * s;
    float[] planar = new float[out.length];
    for (int c = 0; c < 3; c++) {
      for (int i = 0; i < hh * ww; i++) {
        planar[c * hh * ww + i] = out[i * 3 + c] + mean[c];
      }
    }
    LayerCost flops = model.costPerLrPixel().times((double) h * w);
    return new SrResult(new FloatImage(3, hh, ww, planar), new float[0], new float[0], 0, 0, flops,
        System.nanoTime() - t0, SrResult.StageNanos.NONE);
  }
}
