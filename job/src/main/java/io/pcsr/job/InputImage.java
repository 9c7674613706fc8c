package io.pcsr.job;

import java.io.Serializable;

/**
 * One image to process: where it is and its path relative to the input root, which is also its
 * id in the Parquet tables and its path under {@code <output>/images/}.
 */
public record InputImage(String source, String relPath, long bytes) implements Serializable {}
