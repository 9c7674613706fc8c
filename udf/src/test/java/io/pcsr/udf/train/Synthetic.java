package io.pcsr.udf.train;

import io.pcsr.udf.image.FloatImage;
import io.pcsr.udf.image.ImageCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/** Deterministic synthetic photos for fast tests: smooth shading, hard edges, stripes, noise. */
final class Synthetic {
  private Synthetic() {}

  static FloatImage image(int h, int w, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double fx = 0.05 + 0.2 * r.nextDouble();
    double fy = 0.05 + 0.2 * r.nextDouble();
    double cx = w * r.nextDouble();
    double cy = h * r.nextDouble();
    double rad = Math.min(h, w) * (0.2 + 0.2 * r.nextDouble());
    float[] d = new float[3 * h * w];
    for (int c = 0; c < 3; c++) {
      double phase = r.nextDouble() * 6;
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          double v = 0.5 + 0.2 * Math.sin(fx * x + phase) * Math.cos(fy * y);
          if ((x - cx) * (x - cx) + (y - cy) * (y - cy) < rad * rad) {
            v += 0.25 * (c == 0 ? 1 : -0.5);
          }
          if (x > w / 2 && ((x + y) / 3) % 2 == 0) {
            v -= 0.15;
          }
          v += 0.02 * (r.nextDouble() - 0.5);
          d[(c * h + y) * w + x] = (float) Math.max(0, Math.min(1, v));
        }
      }
    }
    return new FloatImage(3, h, w, d);
  }

  /** Writes {@code n} synthetic PNGs into {@code dir}. */
  static Path folder(Path dir, int n, int h, int w, long seed) throws IOException {
    Files.createDirectories(dir);
    for (int i = 0; i < n; i++) {
      ImageCodec.write(image(h, w, seed + i), dir.resolve("img" + i + ".png"), "png");
    }
    return dir;
  }

  static TrainImages images(int n, int h, int w, long seed) {
    java.util.List<TrainImages.Image> list = new java.util.ArrayList<>();
    for (int i = 0; i < n; i++) {
      list.add(TrainImages.fromFloat("synthetic" + i, image(h, w, seed + i)));
    }
    return new TrainImages(list);
  }
}
