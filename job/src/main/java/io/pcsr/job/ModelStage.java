package io.pcsr.job;

import io.pcsr.udf.image.RasterHeader;
import io.pcsr.udf.spark.TileRows;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.TaskCompletionListener;
import scala.Tuple2;

/**
 * The model stage's task: tiles through the engine, then, while each result is at hand, its
 * {@code tiles} row and {@code pixels} rows into the partition's Parquet files and, for an
 * image small enough to have all its tiles in this task ({@link #assembledInTask}: a bounded
 * output, and at most a partition's fair share of the run's tiles), the image itself. Those
 * images' HR pixels never enter Spark's cache or a shuffle: what leaves the task is each tile's
 * statistics, the last tile of such an image carrying the image's row. Tiles of larger images leave with
 * their pixels, for the assembly stage after a shuffle by image.
 *
 * <p>The job partitions tiles so that an image assembled in a task has all of its tiles in one
 * partition, sorted by tile index, using the same {@link #assembledInTask} rule.
 */
final class ModelStage implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;

  /** The tile result, whether its image was assembled in the task, and that image's row. */
  static final StructType OUTPUT = TileRows.RESULT
      .add("in_task", DataTypes.BooleanType, false)
      .add("image", ImageAssembler.OUTPUT, true);

  private static final int TILE_COUNT = TileRows.RESULT.fieldIndex("tile_count");
  private static final int SR = TileRows.RESULT.fieldIndex("sr");
  private static final int HEAVY = TileRows.RESULT.fieldIndex("heavy");
  private static final int P_HEAVY = TileRows.RESULT.fieldIndex("p_heavy");
  private static final int IN_TASK = OUTPUT.fieldIndex("in_task");
  private static final int IMAGE = OUTPUT.fieldIndex("image");
  private static final byte[] NONE = new byte[0];

  private final MapPartitionsFunction<Row, Row> engine;
  private final ImageAssembler assembler;
  private final PixelStats.TableFiles pixels;
  private final TilesTable tilesTable;
  private final long inTaskPixels;
  private final long maxTilesInTask;
  private final int scale;
  private final boolean shuffleClassFlags;

  /**
   * @param pixels the pixels table's files, or null when the table is off
   * @param tilesTable the tiles table's files
   * @param inTaskPixels images of at most this many output pixels are assembled in the task
   * @param maxTilesInTask ... and of at most this many tiles (a partition's fair share)
   * @param shuffleClassFlags whether the assembly stage needs the HR class flags of the tiles
   *     it gets (an overlay or paper mode's class map)
   */
  ModelStage(MapPartitionsFunction<Row, Row> engine, ImageAssembler assembler,
      PixelStats.TableFiles pixels, TilesTable tilesTable, long inTaskPixels, long maxTilesInTask,
      int scale, boolean shuffleClassFlags) {
    this.engine = engine;
    this.assembler = assembler;
    this.pixels = pixels;
    this.tilesTable = tilesTable;
    this.inTaskPixels = inTaskPixels;
    this.maxTilesInTask = maxTilesInTask;
    this.scale = scale;
    this.shuffleClassFlags = shuffleClassFlags;
  }

  /**
   * Whether an image is assembled in the model's task: its output has at most
   * {@code inTaskPixels} pixels and it has at most {@code maxTiles} tiles.
   */
  static boolean assembledInTask(int width, int height, int tiles, int scale, long inTaskPixels,
      long maxTiles) {
    return (long) width * scale * height * scale <= inTaskPixels && tiles <= maxTiles;
  }

  /** Whether a model stage's output row carries an image assembled in its task. */
  static boolean hasImage(Row out) {
    return !out.isNullAt(IMAGE);
  }

  /** The image row ({@link ImageAssembler#OUTPUT}) of an output row that has one. */
  static Row image(Row out) {
    return out.getStruct(IMAGE);
  }

  /** Whether an output row's tile was assembled in its task. */
  static boolean inTask(Row out) {
    return out.getBoolean(IN_TASK);
  }

  /** A tile left for the assembly after a shuffle: keyed by its image, as a result row. */
  static Tuple2<TileKey, Row> byImage(Row out) {
    return new Tuple2<>(new TileKey(out.getString(0), out.getInt(1), true),
        RowFactory.create(RowValues.of(out, TileRows.RESULT.size())));
  }

  @Override public Iterator<Row> call(Iterator<Row> tiles) throws Exception {
    TaskContext task = TaskContext.get();
    int partition = task == null ? 0 : task.partitionId();
    PixelStats.TaskFile file = pixels == null ? null : pixels.forPartition(partition);
    TilesTable.TaskFile tileFile = tilesTable.forPartition(partition);
    if (task != null) {
      // a failed or killed task leaves no temporary file behind; a finished one was published
      task.addTaskCompletionListener((TaskCompletionListener) ctx -> {
        tileFile.abandon();
        if (file != null) {
          file.abandon();
        }
      });
    }
    return new Outputs(engine.call(tiles), file, tileFile);
  }

  /** The task's output rows, produced as the engine's results are consumed. */
  private final class Outputs implements Iterator<Row> {
    private final Iterator<Row> results;
    private final PixelStats.TaskFile file;
    private final TilesTable.TaskFile tileFile;
    private final ArrayDeque<Row> ready = new ArrayDeque<>();
    /** The next engine result, already in the tables' files. */
    private Row pending;
    private boolean finished;

    Outputs(Iterator<Row> results, PixelStats.TaskFile file, TilesTable.TaskFile tileFile) {
      this.results = results;
      this.file = file;
      this.tileFile = tileFile;
    }

    @Override public boolean hasNext() {
      while (ready.isEmpty() && !finished) {
        try {
          advance();
        } catch (RuntimeException e) {
          throw e;
        } catch (Exception e) {
          throw new IllegalStateException(e.getMessage(), e);
        }
      }
      return !ready.isEmpty();
    }

    @Override public Row next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return ready.poll();
    }

    private void advance() throws Exception {
      if (pending == null && !pull()) {
        if (file != null) {
          file.publish();
        }
        tileFile.publish();
        finished = true;
        return;
      }
      Row first = pending;
      RasterHeader header = TileRows.header(first.getStruct(TileRows.RESULT_HEADER));
      if (!assembledInTask(header.width(), header.height(), first.getInt(TILE_COUNT), scale,
          inTaskPixels, maxTilesInTask)) {
        ready.add(forShuffle(first));
        pending = null;
        return;
      }
      String imageId = first.getString(0);
      // the tiles' statistics, taken as the assembler reads each tile: a streamed TIFF output
      // holds one tile's samples at a time, and so does this task
      List<Object[]> done = new ArrayList<>();
      Iterator<Row> group = new Iterator<>() {
        @Override public boolean hasNext() {
          return pending != null && imageId.equals(pending.getString(0));
        }

        @Override public Row next() {
          if (!hasNext()) {
            throw new NoSuchElementException();
          }
          Row r = pending;
          done.add(statisticsOnly(r));
          try {
            pull();
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
          return r;
        }
      };
      Row image = assembler.call(imageId, group);
      while (group.hasNext()) {
        group.next(); // an assembler that stopped early must not leave tiles to the next image
      }
      done.get(done.size() - 1)[OUTPUT.length() - 1] = image;
      for (Object[] tile : done) {
        ready.add(RowFactory.create(tile));
      }
    }

    /** The next engine result into {@link #pending} and the tables' files; false at the end. */
    private boolean pull() throws java.io.IOException {
      pending = results.hasNext() ? results.next() : null;
      if (pending != null) {
        tileFile.add(pending);
        if (file != null) {
          file.add(pending);
        }
      }
      return pending != null;
    }
  }

  /** The values of a tile whose image is written here: its arrays stay behind. */
  private static Object[] statisticsOnly(Row result) {
    Object[] v = values(result);
    v[SR] = NONE;
    v[HEAVY] = NONE;
    v[P_HEAVY] = NONE;
    v[v.length - 2] = true;
    return v;
  }

  /**
   * A tile for the assembly stage: its HR samples, and its class flags only when the assembly
   * stitches a class map. p_heavy was written to the pixels file already.
   */
  private Row forShuffle(Row result) {
    Object[] v = values(result);
    if (!shuffleClassFlags) {
      v[HEAVY] = NONE;
    }
    v[P_HEAVY] = NONE;
    v[v.length - 2] = false;
    v[v.length - 1] = null;
    return RowFactory.create(v);
  }

  /** A result's values, with room for the in_task and image columns. */
  private static Object[] values(Row result) {
    return RowValues.of(result, result.length() + 2);
  }
}
