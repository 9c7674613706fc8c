package io.pcsr.udf.spark;

import java.io.IOException;
import java.net.URI;
import javax.imageio.stream.ImageInputStreamImpl;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * An ImageIO stream over a Hadoop file (local, HDFS, S3A) that seeks in the file itself instead
 * of caching what was read: a TIFF reader asked for one region reads the directory and the
 * strips or tiles it needs, so a task decoding one tile of a huge scene reads a small part of it
 * (S3A turns the seeks into ranged GETs).
 */
public final class HadoopImageInputStream extends ImageInputStreamImpl {
  private final FSDataInputStream in;
  private final long length;

  private HadoopImageInputStream(FSDataInputStream in, long length) {
    this.in = in;
    this.length = length;
  }

  public static HadoopImageInputStream open(String source, HadoopConf hadoop) throws IOException {
    URI uri = URI.create(source);
    FileSystem fs = FileSystem.get(uri, hadoop.get());
    Path path = new Path(uri);
    FileStatus status = fs.getFileStatus(path);
    if (status.isDirectory()) {
      throw new IOException("cannot read image '" + source + "': it is a directory");
    }
    return new HadoopImageInputStream(fs.open(path), status.getLen());
  }

  @Override public long length() { return length; }

  @Override public int read() throws IOException {
    checkClosed();
    bitOffset = 0;
    int b = in.read();
    if (b >= 0) {
      streamPos++;
    }
    return b;
  }

  @Override public int read(byte[] b, int off, int len) throws IOException {
    checkClosed();
    bitOffset = 0;
    int n = in.read(b, off, len);
    if (n > 0) {
      streamPos += n;
    }
    return n;
  }

  @Override public void seek(long pos) throws IOException {
    checkClosed();
    if (pos < 0) {
      throw new IndexOutOfBoundsException("seek to " + pos);
    }
    // the file can be re-read anywhere, so positions before a flush stay reachable (one
    // stream can serve a header probe and then the decode)
    in.seek(Math.min(pos, length));
    streamPos = pos;
    bitOffset = 0;
  }

  @Override public void flushBefore(long pos) {
    // nothing is cached, so there is nothing to discard
  }

  @Override public void close() throws IOException {
    super.close();
    in.close();
  }
}
