package io.pcsr.udf.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import io.pcsr.udf.image.FloatImage;
import io.pcsr.udf.image.ImageCodec;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainDataTest {
  @TempDir Path tmp;

  @Test
  void filesBelowAHalveFolderAreShrunkTwice() throws Exception {
    ImageCodec.write(Synthetic.image(64, 48, 1), tmp.resolve("a.png"), "png");
    java.nio.file.Files.createDirectories(tmp.resolve("halve"));
    ImageCodec.write(Synthetic.image(64, 48, 2), tmp.resolve("halve/b.png"), "png");
    TrainImages images = TrainImages.load(tmp, 16);
    assertEquals(2, images.images().size());
    assertEquals(64, images.images().get(0).height());
    assertEquals(48, images.images().get(0).width());
    assertEquals(32, images.images().get(1).height());
    assertEquals(24, images.images().get(1).width());
  }

  @Test
  void cropSymmetriesAreFlipsAndTranspose() {
    FloatImage src = Synthetic.image(4, 4, 3);
    TrainImages.Image img = TrainImages.fromFloat("x", src);
    FloatImage id = TrainImages.crop(img, 0, 0, 4, 0);
    FloatImage h = TrainImages.crop(img, 0, 0, 4, 1);
    FloatImage v = TrainImages.crop(img, 0, 0, 4, 2);
    FloatImage t = TrainImages.crop(img, 0, 0, 4, 4);
    for (int y = 0; y < 4; y++) {
      for (int x = 0; x < 4; x++) {
        assertEquals(id.get(1, y, 3 - x), h.get(1, y, x));
        assertEquals(id.get(1, 3 - y, x), v.get(1, y, x));
        assertEquals(id.get(1, x, y), t.get(1, y, x));
      }
    }
  }

  @Test
  void flatCropsAreRejected() {
    float[] flat = new float[3 * 64 * 64];
    java.util.Arrays.fill(flat, 0.5f);
    TrainImages images = new TrainImages(List.of(
        TrainImages.fromFloat("flat", new FloatImage(3, 64, 64, flat)),
        TrainImages.fromFloat("busy", Synthetic.image(64, 64, 4))));
    SplittableRandom rng = new SplittableRandom(1);
    for (int i = 0; i < 20; i++) {
      assertTrue(TrainImages.meanGradient(images.randomCrop(rng, 16, 0.01)) >= 0.01);
    }
  }

  /**
   * Sampled queries pick the right targets, and the network's output for them equals its dense
   * output at the same HR pixels.
   */
  @Test
  void sampledQueriesAgreeWithDenseOnes() {
    TrainImages images = Synthetic.images(2, 64, 64, 9);
    List<FloatImage> crops = List.of(images.randomCrop(new SplittableRandom(1), 32, 0),
        images.randomCrop(new SplittableRandom(2), 32, 0));
    Batch dense = Batch.of(crops, 4, new float[3], 0, new SplittableRandom(3));
    Batch sampled = Batch.of(crops, 4, new float[3], 100, new SplittableRandom(3));
    assertArrayEquals(dense.lrNhwc(), sampled.lrNhwc());
    int h = 8;
    int w = 8;
    int[] denseRow = new int[sampled.queries()];
    for (int r = 0; r < denseRow.length; r++) {
      long lr = sampled.lrRow()[r];
      int k = (int) (lr / (h * w));
      int i = (int) (lr % (h * w)) / w;
      int j = (int) (lr % w);
      int ty = (int) sampled.offset()[r] / 4;
      int tx = (int) sampled.offset()[r] % 4;
      denseRow[r] = k * 32 * 32 + (i * 4 + ty) * 32 + j * 4 + tx;
      for (int c = 0; c < 3; c++) {
        assertEquals(dense.target()[denseRow[r] * 3 + c], sampled.target()[r * 3 + c]);
      }
    }
    try (NDManager root = NDManager.newBaseManager();
        PcsrTrainNet net = new PcsrTrainNet(Architecture.official("fsrcnn"), 0, root, 1)) {
      JniUtils.setGradMode(false);
      NDArray f = net.features(dense.lrArray(root), false);
      float[] all = net.heavy(f, dense.queries(root), root).toFloatArray();
      float[] some = net.heavy(f, sampled.queries(root), root).toFloatArray();
      for (int r = 0; r < denseRow.length; r++) {
        for (int c = 0; c < 3; c++) {
          assertEquals(all[denseRow[r] * 3 + c], some[r * 3 + c], 1e-6);
        }
      }
    }
  }
}
