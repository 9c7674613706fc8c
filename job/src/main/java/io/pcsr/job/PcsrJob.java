package io.pcsr.job;

import static org.apache.spark.sql.functions.col;

import ai.djl.ndarray.NDManager;
import io.pcsr.udf.checkpoint.CheckpointLoader;
import io.pcsr.udf.cost.PcsrCost;
import io.pcsr.udf.image.tiff.TiffStreaming;
import io.pcsr.udf.model.PcsrModel;
import io.pcsr.udf.spark.HadoopConf;
import io.pcsr.udf.spark.ModelFiles;
import io.pcsr.udf.spark.PcsrPartitionFunction;
import io.pcsr.udf.spark.UdfSettings;
import io.pcsr.udf.tiling.TileGrid;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The distributed job, one direction: list (driver) -> decode and tile (flatMap) -> plan (one
 * job: each image's size and tile count, the decode errors) -> balance (a shuffle by the ranges
 * the driver computes from the plan) -> the model stage (mapPartitions: PCSR UDF, tiles and
 * pixels rows, and the images small enough to assemble in the task) -> assembly of the larger
 * images after a shuffle by image, when there are any -> the driver's tables -> _SUCCESS.
 */
public final class PcsrJob {
  private static final Logger LOG = LoggerFactory.getLogger(PcsrJob.class);

  private final SparkSession spark;
  private final JobConfig cfg;
  private java.util.function.Consumer<List<InputImage>> afterListing = l -> { };

  public PcsrJob(SparkSession spark, JobConfig cfg) {
    this.spark = spark;
    this.cfg = cfg;
  }

  /** Test hook: runs between listing and reading (e.g. to make an input disappear). */
  PcsrJob afterListing(java.util.function.Consumer<List<InputImage>> hook) {
    this.afterListing = hook;
    return this;
  }

  /** What a run did, for the summary and the tests. */
  public record Outcome(String runId, String output, int listed, int skipped, int succeeded,
      int failed, List<Row> images) {
    public String reconciliation() {
      return String.format("listed %d = written %d + errors %d + skipped (finished before) %d%s",
          listed, succeeded, failed, skipped,
          listed == succeeded + failed + skipped ? "" : "  MISMATCH");
    }
  }

  public Outcome run() throws IOException {
    // the jobs that a step below does not name otherwise carry the run's id
    return JobDescriptions.describe(spark.sparkContext(), "pcsr run " + cfg.runId(),
        this::runDescribed);
  }

  private Outcome runDescribed() throws IOException {
    Configuration hconf = spark.sparkContext().hadoopConfiguration();
    HadoopConf hadoop = new HadoopConf(hconf);
    String output = qualify(cfg.output(), hconf);
    String runId = cfg.runId();
    long started = System.currentTimeMillis();
    String codec = spark.conf().get("spark.sql.parquet.compression.codec", "snappy");
    DriverTables tables = new DriverTables(output, runId, hadoop, codec);

    PcsrCost cost;
    int halo;
    String backbone;
    try (NDManager m = NDManager.newBaseManager();
        PcsrModel model = PcsrModel.fromCheckpoint(
            CheckpointLoader.load(ModelFiles.resolve(cfg.model(), hadoop)), m,
            ModelFiles.redact(cfg.model()))) {
      cost = PcsrCost.of(model, cfg.scale());
      halo = TileGrid.exactHalo(model.backbone().receptiveRadius());
      backbone = model.backboneName();
    } catch (IOException | RuntimeException e) {
      // nothing can be processed without the model: record why, then stop with that reason
      String message = ErrorMessages.of(e);
      tables.write("errors", errorsSchema(), List.of(RowFactory.create(runId,
          ModelFiles.redact(cfg.model()), "model", e.getClass().getName(), message)));
      writeRun(tables, started, 0, 0, 0, 0, "failed: " + message);
      throw new IllegalArgumentException("model " + ModelFiles.redact(cfg.model())
          + " cannot be used: " + message, e);
    }

    List<InputImage> listed = InputLister.list(cfg.input(), hconf);
    afterListing.accept(listed);
    Set<String> finished = cfg.overwrite() ? Set.of() : finishedSources(output);
    List<Row> todo = new ArrayList<>();
    for (InputImage im : listed) {
      if (!finished.contains(im.source())) {
        todo.add(RowFactory.create(im.source(), im.relPath(), im.bytes()));
      }
    }
    int skipped = listed.size() - todo.size();
    LOG.info("run {}: {} images listed under {}, {} already finished, {} to do; model {} ({}), "
            + "routing {}, tiles {} ({}), output {}", runId, listed.size(),
        ModelFiles.redact(cfg.input()), skipped,
        todo.size(), ModelFiles.redact(cfg.model()), backbone, cfg.routing().describe(),
        cfg.paperMode() ? "paper 32/28" : cfg.tileSize() + " + halo " + halo,
        cfg.paperMode() ? "" : "exact", ModelFiles.redact(output));
    if (todo.isEmpty()) {
      writeRun(tables, started, listed.size(), 0, 0, skipped, "ok");
      markSuccess(output, hconf);
      return new Outcome(runId, ModelFiles.redact(output), listed.size(), skipped, 0, 0, List.of());
    }

    int parallelism = cfg.partitions() > 0 ? cfg.partitions()
        : Math.max(1, 2 * spark.sparkContext().defaultParallelism());
    // RDDs, not Datasets: the rows carry tiles' pixels between functions that Spark does not
    // look into, so Catalyst would only plan, generate and compile code for every run and copy
    // the pixels into and out of its binary rows at each step (docs/PERFORMANCE.md, fourteenth
    // stop).
    SparkContext sc = spark.sparkContext();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(sc);
    JavaRDD<Row> decoded = jsc.parallelize(todo, Math.min(todo.size(), parallelism))
        .flatMap(new DecodeStage(hadoop, cfg.tileSize(), halo, cfg.paperMode(), cfg.maxPixels(),
            cfg.routing().perImage() ? cfg.maxImagePixelsPerTask() : Long.MAX_VALUE,
            cfg.rgbBands(), cfg.regionDecodePixels()))
        .persist(StorageLevel.MEMORY_AND_DISK());
    String run = "pcsr run " + runId + ": ";
    TilePlan plan = TilePlan.of(
        JobDescriptions.describe(sc, run + "plan tiles", TilePlan.rows(decoded)::collect),
        runId, parallelism, cfg.scale(), cfg.inTaskAssemblyPixels(), cfg.routing().perImage());
    // The tiles of an image assembled in its model task (ModelStage's rule) go to one
    // partition, sorted, and so do every image's for per-image routing; the tiles of a larger
    // image spread over the partitions. An image is assembled in its task only if it has at
    // most a partition's fair share of the run's tiles: a run of a few large images keeps all
    // its slots busy. Ranges, unlike hashes, keep the partitions' tile counts even: hashing the
    // 16 bench crops' names into 4 partitions gives them 4, 6, 5 and 1 images.
    long fairShare = plan.fairShare();
    // tiles of huge TIFFs arrive without pixels: each reads its own region after the shuffle,
    // so no task ever holds such an image whole
    RegionDecoder regions = new RegionDecoder(hadoop);
    JavaRDD<Row> tiles = decoded.filter(DecodeStage::isTile)
        .mapToPair(TileKey.keying(cfg.routing().perImage(), cfg.scale(),
            cfg.inTaskAssemblyPixels(), fairShare))
        .repartitionAndSortWithinPartitions(plan.ranges(), TileKey.ORDER)
        .values()
        .map(regions::call);

    TiffStreaming streaming = new TiffStreaming(cfg.scale(), cfg.tileSize(), cfg.paperMode(),
        cfg.tiledTiffPixels());
    UdfSettings settings = new UdfSettings(cfg.model(), cfg.scale(), cfg.routing().describe(),
        cfg.refine(), cfg.paperMode(), cfg.torchThreads(), cfg.chunk(), cfg.gpuMaxChunk(),
        cfg.precision().label(), cfg.pixelStats(), hadoop, cfg.failFirstAttempt(), streaming);
    PixelStats.TableFiles pixelFiles = "none".equals(cfg.pixelStats()) ? null
        : new PixelStats.TableFiles(output, runId, cfg.pixelStats(), cost, cfg.scale(), hadoop,
            codec);
    ImageAssembler assembler = new ImageAssembler(output, runId, hadoop, cfg.overlay(), streaming);
    ModelStage modelStage = new ModelStage(new PcsrPartitionFunction(settings), assembler,
        pixelFiles, new TilesTable(output, runId, hadoop, codec), cfg.inTaskAssemblyPixels(),
        fairShare, cfg.scale(), cfg.overlay() || cfg.paperMode());
    JavaRDD<Row> results = tiles.mapPartitions(modelStage::call);

    JavaRDD<Row> assembled = results.filter(ModelStage::hasImage).map(ModelStage::image);
    if (plan.assembledAfterShuffle() > 0) {
      // Images too large to assemble in their model tasks: one task per image up to twice the
      // parallelism, each image costing an encoding. Both branches read the model stage's
      // results, so they are kept rather than computed twice.
      results.persist(StorageLevel.MEMORY_AND_DISK());
      SortedGroups perImage = new SortedGroups(0, assembler);
      assembled = assembled.union(results.filter(r -> !ModelStage.inTask(r))
          .mapToPair(ModelStage::byImage)
          .repartitionAndSortWithinPartitions(
              new ImagePartitioner(Math.min(todo.size(), 2 * parallelism)), TileKey.ORDER)
          .values()
          .mapPartitions(perImage::call));
    }
    // one job: the model stage (which writes the tiles and pixels tables and the images
    // assembled in their tasks), then the assembly of any larger image after its shuffle
    List<Row> images = new ImagesTable(cfg, cost, backbone).rows(
        ImageAssembler.withSchema(JobDescriptions.describe(sc, run + "model stage and images",
            assembled::collect)), todo);
    tables.write("images", ImagesTable.SCHEMA, images);
    List<Row> errorRows = new ArrayList<>(plan.decodeErrors());
    for (Row im : images) {
      if (!"ok".equals(im.getAs("status"))) {
        errorRows.add(RowFactory.create(runId, im.getAs("source"), "assemble",
            im.getAs("error_class"), im.getAs("error_message")));
      }
    }
    tables.write("errors", errorsSchema(), errorRows);
    results.unpersist();
    decoded.unpersist();

    int ok = (int) images.stream().filter(r -> "ok".equals(r.getAs("status"))).count();
    Outcome outcome = new Outcome(runId, ModelFiles.redact(output), listed.size(), skipped, ok,
        errorRows.size(), images);
    writeRun(tables, started, listed.size(), ok, errorRows.size(), skipped,
        outcome.listed() == ok + errorRows.size() + skipped ? "ok" : "mismatch");
    markSuccess(output, hconf);
    return outcome;
  }

  /** One row per run: the reconciliation and what the run was asked to do. */
  private void writeRun(DriverTables tables, long started, int listed, int written, int errors,
      int skipped, String status) throws IOException {
    org.apache.spark.sql.types.DataType s = org.apache.spark.sql.types.DataTypes.StringType;
    org.apache.spark.sql.types.DataType i = org.apache.spark.sql.types.DataTypes.IntegerType;
    org.apache.spark.sql.types.DataType l = org.apache.spark.sql.types.DataTypes.LongType;
    org.apache.spark.sql.types.StructType schema = new org.apache.spark.sql.types.StructType()
        .add("run_id", s).add("input", s).add("model", s).add("routing", s).add("tile_mode", s)
        .add("listed", i).add("written", i).add("errors", i).add("skipped", i)
        .add("started_ms", l).add("finished_ms", l).add("status", s);
    Row row = RowFactory.create(cfg.runId(), ModelFiles.redact(cfg.input()),
        ModelFiles.redact(cfg.model()), cfg.routing().describe(),
        cfg.paperMode() ? "paper" : "exact", listed, written, errors, skipped, started,
        System.currentTimeMillis(), status);
    tables.write("runs", schema, List.of(row));
  }

  static org.apache.spark.sql.types.StructType errorsSchema() {
    org.apache.spark.sql.types.DataType s = org.apache.spark.sql.types.DataTypes.StringType;
    return new org.apache.spark.sql.types.StructType().add("run_id", s).add("source", s)
        .add("stage", s).add("error_class", s).add("message", s);
  }

  /** Sources a previous run wrote successfully (the images table is the manifest). */
  private Set<String> finishedSources(String output) {
    String path = OutputPaths.stats(output, "images");
    try {
      FileSystem fs = FileSystem.get(URI.create(path), spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(new Path(path))) {
        return Set.of();
      }
    } catch (IOException e) {
      return Set.of();
    }
    Set<String> done = new HashSet<>();
    for (Row r : spark.read().parquet(path).filter(col("status").equalTo("ok")).select("source")
        .distinct().collectAsList()) {
      done.add(r.getString(0));
    }
    return done;
  }

  private static String qualify(String output, Configuration conf) throws IOException {
    if (output.contains(":/")) {
      return output.endsWith("/") ? output.substring(0, output.length() - 1) : output;
    }
    FileSystem local = FileSystem.getLocal(conf);
    return local.makeQualified(new Path(new java.io.File(output).getAbsolutePath())).toString();
  }

  private static void markSuccess(String output, Configuration conf) throws IOException {
    Path p = new Path(URI.create(output + "/_SUCCESS"));
    FileSystem fs = FileSystem.get(p.toUri(), conf);
    fs.create(p, true).close();
  }
}
