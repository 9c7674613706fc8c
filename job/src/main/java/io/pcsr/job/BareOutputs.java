package io.pcsr.job;

import io.pcsr.udf.image.ImageFormat;
import io.pcsr.udf.image.RasterLayout;
import io.pcsr.udf.image.RasterWriter;
import io.pcsr.udf.image.SampleType;
import io.pcsr.udf.image.Samples;
import io.pcsr.udf.infer.BandRoles;
import io.pcsr.udf.infer.TileProcessor.TileOutput;
import io.pcsr.udf.tiling.Box;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.io.LocalOutputFile;

/**
 * The output work of a run without Spark, for {@code bench-job}: each tile quantised into its
 * image, each image encoded as the job encodes it (PNG) and written, and the pixels table's rows
 * written by the job's own Parquet code into one file per thread, as the job writes one per
 * partition. What the full job takes beyond this is what Spark itself costs.
 */
final class BareOutputs implements java.io.Closeable {
  private final Path folder;
  private final PixelStats.RowCosts costs;
  private final boolean pixelRows;
  private final String codec = "snappy";
  private final Configuration conf = new Configuration();
  private final ThreadLocal<PixelStats.FileRows> files = new ThreadLocal<>();
  private final List<PixelStats.FileRows> opened = new ArrayList<>();
  // thread time spent on each kind of output work, summed over threads
  private final LongAdder pasteNanos = new LongAdder();
  private final LongAdder rowsNanos = new LongAdder();
  private final LongAdder pngNanos = new LongAdder();

  /** @param level the pixels table's level: lr, full or none */
  BareOutputs(Path folder, PixelStats.RowCosts costs, String level) {
    this.folder = folder;
    this.costs = costs;
    this.pixelRows = !"none".equals(level);
  }

  /** An empty 8-bit RGB image of the output's size, for {@link #tile} to paste into. */
  static Samples image(int hrHeight, int hrWidth) {
    return Samples.allocate(SampleType.UINT8, 3, hrHeight, hrWidth);
  }

  /**
   * One tile's output: quantised into {@code image} (threads paste disjoint tiles) and its rows
   * added to this thread's pixels file.
   */
  void tile(String imageId, TileOutput o, Samples image) {
    long t0 = System.nanoTime();
    Box hr = o.hrBox();
    image.paste(BandRoles.quantize(o.rgb(), SampleType.UINT8, 3, hr.height(), hr.width()),
        hr.y(), hr.x());
    long t1 = System.nanoTime();
    pasteNanos.add(t1 - t0);
    if (!pixelRows) {
      return;
    }
    float[] p = costs.full() ? o.pHeavy() : o.pHeavyPerLrPixel();
    try {
      threadFile().add(PixelStats.TileRowsAtLevel.of(imageId, o.scale(), o.tile().core(),
          o.heavy(), p, costs.full()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    rowsNanos.add(System.nanoTime() - t1);
  }

  /** Encodes a finished image as PNG and writes it. */
  void write(String name, Samples image) {
    long t0 = System.nanoTime();
    try {
      Files.write(folder.resolve(name + ".png"),
          RasterWriter.encode(image, ImageFormat.PNG, RasterLayout.RGB));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    pngNanos.add(System.nanoTime() - t0);
  }

  private PixelStats.FileRows threadFile() throws IOException {
    PixelStats.FileRows f = files.get();
    if (f == null) {
      synchronized (opened) {
        f = new PixelStats.FileRows(new LocalOutputFile(
            folder.resolve("pixels-" + opened.size() + ".parquet")), costs, codec, conf);
        opened.add(f);
      }
      files.set(f);
    }
    return f;
  }

  /** Closes (finishes) every thread's pixels file. */
  @Override public void close() throws IOException {
    long t0 = System.nanoTime();
    synchronized (opened) {
      for (PixelStats.FileRows f : opened) {
        f.close();
      }
      opened.clear();
    }
    rowsNanos.add(System.nanoTime() - t0);
  }

  /** Thread seconds spent so far: quantise and paste, pixels rows, PNG encode and write. */
  String threadSeconds() {
    return String.format("quantise and paste %.2f s, pixels rows %.2f s, PNG encode and write "
        + "%.2f s", pasteNanos.sum() / 1e9, rowsNanos.sum() / 1e9, pngNanos.sum() / 1e9);
  }

  /** All thread seconds spent so far. */
  double totalThreadSeconds() {
    return (pasteNanos.sum() + rowsNanos.sum() + pngNanos.sum()) / 1e9;
  }
}
