package io.pcsr.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pcsr.udf.image.FloatImage;
import io.pcsr.udf.image.ImageCodec;
import java.io.File;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The notebooks cannot rot: every {@code spark.sql(...)} statement of notebooks/*.ipynb runs, in
 * notebook order, against the tables of a real run (the committed sample photos through
 * FSRCNN-PCSR) and a tiny {@code pcsr eval}, registered as the notebooks register them. A query
 * must return rows unless it creates a view or says {@code -- may be empty}.
 */
class NotebookSqlTest extends SparkTestBase {
  /** spark.sql("""...""") or spark.sql("...") in a code cell. */
  private static final Pattern SQL = Pattern.compile(
      "spark\\.sql\\(\\s*(f?)(?:\"\"\"(.*?)\"\"\"|\"([^\"\\n]*)\")", Pattern.DOTALL);

  @TempDir static Path tmp;
  static Path project;
  static Path out;
  static boolean ran;

  @BeforeAll
  static void paths() {
    project = Path.of(System.getProperty("pcsr.project.dir", ".."));
    if (!Files.isDirectory(project.resolve("notebooks"))) {
      project = Path.of("..");
    }
    out = tmp.resolve("out");
  }

  private void runJobAndEval() throws Exception {
    if (ran) {
      return;
    }
    Path ref = EvalCommandTest.reference();
    Path model = ref.resolve("checkpoints/fsrcnn-pcsr-x4.pth");
    assumeTrue(Files.isRegularFile(model), "no " + model + "; skipped");
    Path samples = project.resolve("deploy/samples");
    Path in = tmp.resolve("in");
    Files.createDirectories(in);
    int n = 0;
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(samples, "*.png")) {
      for (Path p : ds) {
        Files.copy(p, in.resolve(p.getFileName()));
        n++;
      }
    }
    Assertions.assertTrue(n >= 2, "sample images in " + samples);
    Files.writeString(in.resolve("unreadable.png"), "no PNG here");
    JobConfig cfg = JobConfig.resolve(in.toString(), out.toString(), Map.of(PcsrConf.MODEL,
        model.toString(), PcsrConf.ROUTING, "adaptive", PcsrConf.TILE_SIZE, "128",
        PcsrConf.RUN_ID, "nb-run"), k -> null);
    PcsrJob.Outcome o = new PcsrJob(spark(), cfg).run();
    assertEquals(n, o.succeeded(), o.reconciliation());

    Path hr = tmp.resolve("hr");
    Files.createDirectories(hr);
    FloatImage big = ImageCodec.read(ref.resolve("images/test2k-1232-hr.png"));
    ImageCodec.write(big.crop(100, 100, 96, 128), hr.resolve("a.png"));
    ImageCodec.write(big.crop(600, 900, 128, 96), hr.resolve("b.png"));
    EvalCommand eval = CommandLine.populateCommand(new EvalCommand(), "--hr", hr.toString(),
        "--output", out.toString(), "--model", model.toString(), "--k", "0,1", "--adaptive",
        "--heavy-share", "0.2", "--original", ref.resolve("checkpoints/fsrcnn-x4.pth").toString(),
        "--run-id", "nb-eval");
    assertEquals(0, new EvalJob(spark(), eval.config(k -> null)).run().failedRows());

    // as the notebooks' first cells do
    for (String t : List.of("images", "tiles", "pixels", "errors")) {
      spark().read().parquet(out.resolve("_stats/" + t).toString()).createOrReplaceTempView(t);
    }
    spark().read().parquet(out.resolve("_eval").toString()).createOrReplaceTempView("eval");
    ran = true;
  }

  @Test
  void flopAnalysisQueriesRun() throws Exception {
    runNotebook("flop-analysis.ipynb", 12);
  }

  @Test
  void evalAnalysisQueriesRun() throws Exception {
    runNotebook("eval-analysis.ipynb", 9);
  }

  private void runNotebook(String name, int minStatements) throws Exception {
    Path nb = project.resolve("notebooks").resolve(name);
    Assertions.assertTrue(Files.isRegularFile(nb), "no notebook " + nb);
    JsonNode root = new ObjectMapper().readTree(nb.toFile());
    List<String> statements = new ArrayList<>();
    List<String> codeCells = new ArrayList<>();
    for (JsonNode cell : root.get("cells")) {
      if (!"code".equals(cell.get("cell_type").asText())) {
        continue;
      }
      assertEquals(0, cell.get("outputs").size(), name + ": committed without outputs");
      Assertions.assertTrue(cell.get("execution_count").isNull(), name + ": no execution count");
      StringBuilder src = new StringBuilder();
      cell.get("source").forEach(l -> src.append(l.asText()));
      codeCells.add(src.toString());
      Matcher m = SQL.matcher(src);
      while (m.find()) {
        Assertions.assertTrue(m.group(1).isEmpty(),
            name + ": SQL must be literal (no f-string), so that this test runs what users run");
        statements.add(m.group(2) != null ? m.group(2) : m.group(3));
      }
    }
    String all = String.join("\n", codeCells);
    Assertions.assertTrue(all.contains("f\"{OUTPUT}/_stats/{table}\"") && all.contains("f\"{OUTPUT}/_eval\""),
        name + ": registers the views from OUTPUT/_stats/<table> and OUTPUT/_eval");
    Assertions.assertTrue(statements.size() >= minStatements,
        name + ": " + statements.size() + " statements found");
    checkPythonSyntax(name, codeCells);

    runJobAndEval();
    int i = 0;
    for (String sql : statements) {
      i++;
      String head = sql.strip().lines().findFirst().orElse("");
      List<Row> rows;
      try {
        rows = spark().sql(sql).collectAsList();
      } catch (Exception e) {
        throw new AssertionError(name + " statement " + i + " fails:\n" + sql + "\n" + e, e);
      }
      System.out.printf("%s #%d: %d rows  (%s)%n", name, i, rows.size(), head);
      if (!rows.isEmpty()) {
        System.out.println("    " + rows.get(0));
      }
      boolean mayBeEmpty = sql.strip().toUpperCase(java.util.Locale.ROOT).startsWith("CREATE")
          || sql.contains("-- may be empty");
      if (!mayBeEmpty) {
        Assertions.assertFalse(rows.isEmpty(), name + " statement " + i + " returned no rows:\n" + sql);
      }
    }
  }

  /** Each code cell parses as Python, where a python3 is installed. */
  private static void checkPythonSyntax(String name, List<String> cells) throws Exception {
    String python = null;
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, "python3"))) {
        python = Path.of(dir, "python3").toString();
        break;
      }
    }
    if (python == null) {
      System.out.println("python3 not installed: notebook syntax not checked");
      return;
    }
    Path dir = Files.createTempDirectory(tmp, "cells");
    for (int i = 0; i < cells.size(); i++) {
      Files.writeString(dir.resolve("cell" + i + ".py"), cells.get(i));
    }
    Process p = new ProcessBuilder(python, "-c", "import ast, pathlib, sys\n"
        + "for f in sorted(pathlib.Path(sys.argv[1]).glob('*.py')):\n"
        + "    ast.parse(f.read_text(), str(f))\n", dir.toString())
        .redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    Assertions.assertTrue(p.waitFor(60, TimeUnit.SECONDS), "python3 hung");
    assertEquals(0, p.exitValue(), name + ": a code cell is not valid Python:\n" + output);
  }
}
