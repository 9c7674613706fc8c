package io.pcsr.job;

/** Where a run writes, and the rule that keeps every output under the output root. */
public final class OutputPaths {
  private OutputPaths() {}

  public static String images(String output, String relPath) {
    return join(output, "images/" + safeRelative(relPath));
  }

  /**
   * The class-map overlay of an image: always PNG, in a tree beside images/ (a.png -> a.png,
   * a.jpg -> a.jpg.png, so no two inputs share an overlay).
   */
  public static String overlay(String output, String relPath) {
    String rel = safeRelative(relPath);
    return join(output, "overlays/" + (rel.toLowerCase(java.util.Locale.ROOT).endsWith(".png")
        ? rel : rel + ".png"));
  }

  public static String stats(String output, String table) {
    return join(output, "_stats/" + table);
  }

  /**
   * The file of one partition of a run in a stats table, in the layout of Spark's partitioned
   * writer: {@code _stats/TABLE/run_id=RUN/part-NNNNN-RUN.EXT.parquet}. The same name on every
   * attempt of a task, so a retry replaces the file.
   *
   * @param extension the codec's file extension (".snappy", or "" uncompressed)
   */
  static String statsPart(String output, String table, String runId, int partition,
      String extension) {
    return String.format("%s/run_id=%s/part-%05d-%s%s.parquet", stats(output, table), runId,
        partition, runId, extension);
  }

  static String join(String root, String rel) {
    return root.endsWith("/") ? root + rel : root + "/" + rel;
  }

  /**
   * A relative path with no empty, '.' or '..' segment and no leading '/', so that joining it to
   * the output root stays under the root.
   */
  public static String safeRelative(String rel) {
    String r = rel.replace('\\', '/');
    while (r.startsWith("/")) {
      r = r.substring(1);
    }
    for (String seg : r.split("/")) {
      if (seg.isEmpty() || seg.equals(".") || seg.equals("..")) {
        throw new IllegalArgumentException("unsafe relative path '" + rel + "'");
      }
    }
    return r;
  }
}
