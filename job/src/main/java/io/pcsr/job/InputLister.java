package io.pcsr.job;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * Lists the images of an input URI on the driver, through Hadoop FileSystem (file:, s3a:,
 * hdfs:): a directory (recursively), a glob, or one file. Hidden files (. or _) and files of
 * other formats are left out. Sorted, so runs and their ids are deterministic.
 */
public final class InputLister {
  static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg", "tif", "tiff");

  private InputLister() {}

  public static List<InputImage> list(String input, Configuration conf) throws IOException {
    Path path = new Path(input);
    FileSystem fs = FileSystem.get(URI.create(input.contains(":") ? input : "file:///"), conf);
    if (!input.contains(":")) {
      path = fs.makeQualified(new Path(new java.io.File(input).getAbsolutePath()));
    }
    List<InputImage> out = new ArrayList<>();
    boolean glob = input.matches(".*[*?\\[{].*");
    if (glob) {
      FileStatus[] matches = fs.globStatus(path);
      if (matches == null || matches.length == 0) {
        throw new FileNotFoundException("no input matches " + input);
      }
      Path root = nonGlobParent(path);
      for (FileStatus st : matches) {
        collect(fs, st, root, out);
      }
    } else {
      FileStatus st = fs.getFileStatus(path);
      collect(fs, st, st.isDirectory() ? st.getPath() : st.getPath().getParent(), out);
    }
    out.sort(Comparator.comparing(InputImage::relPath));
    return out;
  }

  private static void collect(FileSystem fs, FileStatus st, Path root, List<InputImage> out)
      throws IOException {
    if (st.isDirectory()) {
      RemoteIterator<LocatedFileStatus> it = fs.listFiles(st.getPath(), true);
      while (it.hasNext()) {
        add(it.next(), root, out);
      }
    } else {
      add(st, root, out);
    }
  }

  private static void add(FileStatus st, Path root, List<InputImage> out) {
    String name = st.getPath().getName();
    if (name.startsWith(".") || name.startsWith("_") || !isImage(name)) {
      return;
    }
    String rel = relative(root, st.getPath());
    out.add(new InputImage(st.getPath().toString(), rel, st.getLen()));
  }

  static boolean isImage(String name) {
    int dot = name.lastIndexOf('.');
    return dot > 0 && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
  }

  /** Path of {@code file} under {@code root}, '/'-separated, never escaping the root. */
  static String relative(Path root, Path file) {
    String r = root.toUri().getPath();
    String f = file.toUri().getPath();
    if (!r.endsWith("/")) {
      r = r + "/";
    }
    String rel = f.startsWith(r) ? f.substring(r.length()) : file.getName();
    return OutputPaths.safeRelative(rel);
  }

  private static Path nonGlobParent(Path p) {
    Path cur = p;
    while (cur != null && cur.toString().matches(".*[*?\\[{].*")) {
      cur = cur.getParent();
    }
    return cur == null ? new Path("/") : cur;
  }
}
