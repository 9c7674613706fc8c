package io.pcsr.udf.spark;

import java.io.Serializable;

/**
 * What executors need to know, and nothing more: the job's configuration object stays on the
 * driver.
 *
 * @param modelUri model location (see {@link ModelFiles})
 * @param scale integer upscaling factor
 * @param routing routing policy text ({@link io.pcsr.udf.routing.RoutingPolicy#parse})
 * @param refine PCSR's pixel refinement on or off
 * @param paperMode true: tiles are the paper's patches, results stay float for averaging
 * @param torchThreads intra-op threads per task; 0 = spark.task.cpus
 * @param chunkLrPixels engine chunk size (LR pixels); 0 = auto: CPU default, or sized from free
 *     GPU memory ({@link io.pcsr.udf.infer.ChunkChoice})
 * @param gpuMaxChunk upper bound of an automatic chunk on a GPU; 0 = the engine's default
 * @param precision float32, float16 or bfloat16 ({@link io.pcsr.udf.model.Precision}); null =
 *     float32
 * @param pixelStats 'full' (p_heavy per HR pixel), 'lr' (mean p_heavy per LR pixel) or 'none'
 * @param hadoop Hadoop configuration for model URIs on s3a/hdfs
 * @param failFirstAttempt fault injection for tests: fail every task's first attempt
 * @param tiffStreaming which outputs are streamed as tiled TIFF: their tiles are compressed
 *     here, in parallel; null = never
 */
public record UdfSettings(String modelUri, int scale, String routing, boolean refine,
    boolean paperMode, int torchThreads, int chunkLrPixels, int gpuMaxChunk, String precision,
    String pixelStats, HadoopConf hadoop, boolean failFirstAttempt,
    io.pcsr.udf.image.tiff.TiffStreaming tiffStreaming) implements Serializable {}
