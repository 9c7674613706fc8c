package io.pcsr.job.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The listening TCP sockets of given processes, from /proc (Linux): which addresses they bind.
 * Tests use it to check that the servers they start listen on the loopback address only.
 */
public final class Listeners {
  private Listeners() {}

  /** "address:port" of every listening socket of these processes that is not on loopback. */
  public static List<String> nonLoopback(List<ProcessHandle> processes) throws IOException {
    List<String> bad = new ArrayList<>();
    for (String l : listening(processes)) {
      if (!(l.startsWith("127.") || l.startsWith("[::1]") || l.startsWith("[::ffff:127."))) {
        bad.add(l);
      }
    }
    return bad;
  }

  /** "address:port" of every listening TCP socket of these processes (IPv6 in brackets). */
  public static List<String> listening(List<ProcessHandle> processes) throws IOException {
    Set<String> inodes = new HashSet<>();
    for (ProcessHandle ph : processes) {
      Path fd = Path.of("/proc", Long.toString(ph.pid()), "fd");
      try (Stream<Path> s = Files.list(fd)) {
        for (Path f : s.toList()) {
          try {
            String target = Files.readSymbolicLink(f).toString();
            if (target.startsWith("socket:[")) {
              inodes.add(target.substring(8, target.length() - 1));
            }
          } catch (IOException gone) {
            // closed meanwhile
          }
        }
      } catch (IOException gone) {
        // the process ended
      }
    }
    List<String> out = new ArrayList<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      Path p = Path.of(table);
      if (!Files.isReadable(p)) {
        continue;
      }
      List<String> lines = Files.readAllLines(p);
      for (String line : lines.subList(1, lines.size())) {
        String[] c = line.trim().split("\\s+");
        // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
        if (c.length > 9 && "0A".equals(c[3]) && inodes.contains(c[9])) {
          out.add(address(c[1]));
        }
      }
    }
    return out;
  }

  /** /proc/net/tcp's hex "ADDR:PORT" (little-endian 32-bit words) as text. */
  static String address(String hex) {
    String[] ap = hex.split(":");
    int port = Integer.parseInt(ap[1], 16);
    String a = ap[0];
    if (a.length() == 8) {
      return ipv4(a, 0) + ":" + port;
    }
    // 16 bytes as four little-endian words
    byte[] b = new byte[16];
    for (int w = 0; w < 4; w++) {
      for (int i = 0; i < 4; i++) {
        b[w * 4 + i] = (byte) Integer.parseInt(a.substring(w * 8 + (3 - i) * 2, w * 8 + (3 - i) * 2 + 2), 16);
      }
    }
    boolean mapped = true;
    for (int i = 0; i < 10; i++) {
      mapped &= b[i] == 0;
    }
    mapped &= b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    if (mapped) {
      return "[::ffff:" + (b[12] & 0xff) + "." + (b[13] & 0xff) + "." + (b[14] & 0xff) + "." + (b[15] & 0xff) + "]:" + port;
    }
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < 16; i += 2) {
      sb.append(i == 0 ? "" : ":").append(String.format(Locale.ROOT, "%x", ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff)));
    }
    String s = sb.append("]").toString().replaceFirst("^\\[(0:)+0\\]$", "[::]").replace("[0:0:0:0:0:0:0:1]", "[::1]");
    return s + ":" + port;
  }

  private static String ipv4(String hex, int off) {
    StringBuilder sb = new StringBuilder();
    for (int i = 3; i >= 0; i--) {
      sb.append(Integer.parseInt(hex.substring(off + i * 2, off + i * 2 + 2), 16));
      if (i > 0) {
        sb.append('.');
      }
    }
    return sb.toString();
  }
}
