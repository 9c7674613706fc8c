package io.pcsr.udf.infer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pcsr.udf.image.FloatImage;
import io.pcsr.udf.image.ImageCodec;
import io.pcsr.udf.image.NpyArray;
import io.pcsr.udf.image.NpzArchive;
import io.pcsr.udf.routing.RoutingPolicy;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** One folder of ../shared/reference/cases: inputs, settings and the official outputs. */
record ReferenceCase(String name, Path dir, JsonNode meta, FloatImage lr, FloatImage hr,
    FloatImage srPng, Map<String, NpyArray> expected) {

  static ReferenceCase load(Path dir) throws IOException {
    JsonNode meta = new ObjectMapper().readTree(dir.resolve("meta.json").toFile());
    return new ReferenceCase(dir.getFileName().toString(), dir, meta,
        ImageCodec.read(dir.resolve("lr.png")), ImageCodec.read(dir.resolve("hr.png")),
        ImageCodec.read(dir.resolve("sr.png")), NpzArchive.read(dir.resolve("expected.npz")));
  }

  Path checkpoint(Path referenceDir) {
    return referenceDir.resolve("checkpoints").resolve(meta.get("checkpoint").asText());
  }

  RoutingPolicy policy() {
    return meta.get("adaptive").asBoolean() ? new RoutingPolicy.Adaptive()
        : new RoutingPolicy.KRule(meta.get("k").asDouble());
  }

  boolean refine() { return meta.get("refinement").asBoolean(); }

  boolean patchMode() { return "patch".equals(meta.get("mode").asText()); }

  int scale() { return meta.get("scale").asInt(); }
}
