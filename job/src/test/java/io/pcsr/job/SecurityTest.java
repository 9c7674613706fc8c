package io.pcsr.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pcsr.udf.spark.HadoopConf;
import io.pcsr.udf.spark.ModelFiles;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecurityTest {
  @TempDir Path tmp;

  @Test
  void outputKeysStayUnderTheOutputRoot() {
    assertEquals("s3a://b/out/images/a/b.png", OutputPaths.images("s3a://b/out", "a/b.png"));
    assertEquals("s3a://b/out/images/abs/x.png", OutputPaths.images("s3a://b/out/", "/abs/x.png"));
    for (String evil : new String[] {"../x.png", "a/../../x.png", "a//b.png", "./x.png", "a/.."}) {
      assertThrows(IllegalArgumentException.class, () -> OutputPaths.images("/out", evil), evil);
    }
  }

  @Test
  void credentialsAreRedactedFromMessages() {
    String msg = ErrorMessages.redact("cannot open s3a://AKIAEXAMPLE:wJalrXUtnFEMI@bucket/key.png "
        + "with fs.s3a.secret.key=wJalrXUtnFEMI and session token: abc123");
    assertFalse(msg.contains("wJalrXUtnFEMI"), msg);
    assertFalse(msg.contains("AKIAEXAMPLE"), msg);
    assertFalse(msg.contains("abc123"), msg);
    assertTrue(msg.contains("s3a://***@bucket/key.png"), msg);
    assertEquals("HadoopConf[1 entries, values hidden]", new HadoopConf(conf("fs.s3a.secret.key", "x")).toString()
        .replaceAll("\\[\\d+ entries", "[1 entries"));
  }

  @Test
  void aModelWhoseContentDoesNotMatchItsPinIsRefused() throws Exception {
    Path model = tmp.resolve("m.bin");
    Files.write(model, new byte[] {1, 2, 3});
    String right = "039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81";
    assertEquals(model, ModelFiles.resolve(model + "#sha256=" + right, new HadoopConf(new Configuration(false))));
    UncheckedIOException e = assertThrows(UncheckedIOException.class,
        () -> ModelFiles.resolve(model + "#sha256=" + "0".repeat(64), new HadoopConf(new Configuration(false))));
    assertTrue(e.getMessage().contains("sha256 mismatch"), e.getMessage());
  }

  private static Configuration conf(String k, String v) {
    Configuration c = new Configuration(false);
    c.set(k, v);
    return c;
  }
}
