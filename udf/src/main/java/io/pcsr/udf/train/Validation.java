package io.pcsr.udf.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import io.pcsr.udf.image.FloatImage;
import io.pcsr.udf.image.ImageMetrics;
import io.pcsr.udf.image.MatlabBicubic;
import java.util.ArrayList;
import java.util.List;

/**
 * Quick validation during training: one centre crop per validation image, LR by MATLAB-style
 * bicubic in float, RGB PSNR on quantised values with {@code scale} pixels shaved (the official
 * metric), against bicubic upscaling of the same LR. Phase 0 reports the heavy path on every
 * pixel; phase 1 the k = 0 routing (argmax of the classifier) and its heavy share.
 */
final class Validation {
  /** Mean PSNRs over the crops; heavyShare is 1 in phase 0. */
  record Result(double psnr, double bicubicPsnr, double heavyShare, double psnrAllHeavy) {}

  private record Crop(FloatImage hr, FloatImage lr, FloatImage bilinear, double bicubicPsnr) {}

  private final List<Crop> crops = new ArrayList<>();
  private final int scale;

  Validation(TrainImages images, int cropSide, int scale) {
    this.scale = scale;
    for (TrainImages.Image img : images.images()) {
      int side = Math.min(cropSide, Math.min(img.height(), img.width()));
      side -= side % scale;
      if (side < 4 * scale) {
        continue;
      }
      FloatImage hr = img.toFloat().crop((img.height() - side) / 2, (img.width() - side) / 2,
          side, side);
      FloatImage lr = MatlabBicubic.resize(hr, side / scale, side / scale);
      FloatImage bicubic = MatlabBicubic.resize(lr, side, side);
      crops.add(new Crop(hr, lr, Bilinear.upscale(lr, scale),
          ImageMetrics.psnr(bicubic, hr, scale)));
    }
    if (crops.isEmpty()) {
      throw new IllegalArgumentException("no validation image is large enough");
    }
  }

  int size() { return crops.size(); }

  Result evaluate(PcsrTrainNet net, NDManager parent) {
    boolean grad = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    double psnr = 0;
    double allHeavy = 0;
    double bicubic = 0;
    long heavy = 0;
    long pixels = 0;
    float[] mean = net.rgbMean();
    try {
      for (Crop c : crops) {
        try (NDManager m = parent.newSubManager()) {
          int h = c.lr.height();
          int w = c.lr.width();
          float[] lr = c.lr.toHwc();
          for (int i = 0; i < lr.length; i++) {
            lr[i] -= mean[i % 3];
          }
          NDArray feats = net.features(m.create(lr, new Shape(1, h, w, 3)), false);
          Queries q = Queries.dense(1, h, w, scale);
          NDArray heavyOut = net.heavy(feats, q, m);
          NDArray out = heavyOut;
          allHeavy += psnr(heavyOut, c);
          if (net.phase() == 1) {
            NDArray prob = net.probabilities(feats, q, m);
            NDArray isHeavy = prob.get(new NDIndex(":, 1:2")).gt(prob.get(new NDIndex(":, 0:1")));
            NDArray mask = isHeavy.toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
            NDArray lightOut = net.light(feats, q, m);
            out = lightOut.add(heavyOut.sub(lightOut).mul(mask)); // routed: heavy where mask
            heavy += isHeavy.sum().toType(ai.djl.ndarray.types.DataType.INT64, false).getLong();
          } else {
            heavy += q.count();
          }
          pixels += q.count();
          psnr += psnr(out, c);
          bicubic += c.bicubicPsnr;
        } finally {
          net.store().sweep();
        }
      }
    } finally {
      JniUtils.setGradMode(grad);
    }
    int n = crops.size();
    return new Result(psnr / n, bicubic / n, (double) heavy / pixels, allHeavy / n);
  }

  /** PSNR of bilinear + residual (rows in (Y, X) order, 3 columns) against the HR crop. */
  private double psnr(NDArray residualRows, Crop c) {
    float[] r = residualRows.toFloatArray();
    float[] base = c.bilinear.data();
    int plane = c.hr.height() * c.hr.width();
    float[] sr = new float[3 * plane];
    for (int p = 0; p < plane; p++) {
      for (int ch = 0; ch < 3; ch++) {
        sr[ch * plane + p] = base[ch * plane + p] + r[p * 3 + ch];
      }
    }
    return ImageMetrics.psnr(new FloatImage(3, c.hr.height(), c.hr.width(), sr), c.hr, scale);
  }
}
