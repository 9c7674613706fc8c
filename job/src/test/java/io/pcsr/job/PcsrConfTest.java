package io.pcsr.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PcsrConfTest {
  static Path projectDir() {
    return Path.of(System.getProperty("pcsr.project.dir", ".."));
  }

  /** conf/pcsr-defaults.conf lists exactly the keys of PcsrConf, with the same defaults and docs. */
  @Test
  void defaultsFileMatchesTheCode() throws Exception {
    List<String> lines = Files.readAllLines(projectDir().resolve("conf/pcsr-defaults.conf"));
    Map<String, String> values = new LinkedHashMap<>();
    Map<String, String> docs = new LinkedHashMap<>();
    String lastComment = null;
    for (String line : lines) {
      String t = line.trim();
      if (t.startsWith("#")) {
        lastComment = t.substring(1).trim();
      } else if (!t.isEmpty()) {
        String[] kv = t.split("\\s+", 2);
        values.put(kv[0], kv.length > 1 ? kv[1] : "");
        docs.put(kv[0], lastComment);
      }
    }
    assertEquals(PcsrConf.KEYS.stream().map(PcsrConf.Key::name).toList(), List.copyOf(values.keySet()));
    for (PcsrConf.Key k : PcsrConf.KEYS) {
      assertEquals(k.defaultValue(), values.get(k.name()), k.name());
      assertEquals(k.doc(), docs.get(k.name()), "doc line of " + k.name());
    }
    String readme = Files.readString(projectDir().resolve("README.md"));
    for (PcsrConf.Key k : PcsrConf.KEYS) {
      assertTrue(readme.contains("`" + k.name() + "`"), "README documents " + k.name());
    }
  }

  @Test
  void flagsWinOverSparkConfWhichWinsOverDefaults() {
    Map<String, String> spark = Map.of(PcsrConf.ROUTING, "k=1", PcsrConf.TILE_SIZE, "128");
    JobConfig cfg = JobConfig.resolve("in", "out", Map.of(PcsrConf.ROUTING, "adaptive"), spark::get);
    assertEquals("adaptive", cfg.routing().describe());
    assertEquals(128, cfg.tileSize());
    assertEquals(4, cfg.scale());
    assertThrows(IllegalArgumentException.class,
        () -> JobConfig.resolve("in", "out", Map.of(PcsrConf.TILE_SIZE, "-3"), k -> null));
    assertThrows(IllegalArgumentException.class,
        () -> JobConfig.resolve("in", "out", Map.of(PcsrConf.RUN_ID, "../x"), k -> null));
  }
}
