package io.pcsr.udf.image;

/** A decoded raster (or a region of one): its header and its samples as stored. */
public record DecodedRaster(RasterHeader header, Samples samples) {}
