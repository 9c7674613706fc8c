package io.pcsr.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pcsr.udf.image.FloatImage;
import io.pcsr.udf.image.ImageCodec;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code pcsr report} over a real small run (FSRCNN-PCSR on two crops and a broken file) plus a
 * tiny {@code pcsr eval}: every {@code <img>} of the page exists and decodes, and where Chromium
 * is installed, a headless screenshot of the page is taken and is not blank. Set
 * {@code -Dpcsr.report.screenshot=PATH} to keep the screenshot.
 */
class ReportCommandTest extends SparkTestBase {
  @TempDir static Path tmp;
  static Path out;

  @BeforeAll
  static void paths() {
    out = tmp.resolve("out");
  }

  private void runJobAndEval() throws Exception {
    if (Files.exists(out.resolve("_SUCCESS"))) {
      return;
    }
    Path ref = EvalCommandTest.reference();
    Path model = ref.resolve("checkpoints/fsrcnn-pcsr-x4.pth");
    Path in = tmp.resolve("in");
    Files.createDirectories(in.resolve("sub"));
    FloatImage lr = ImageCodec.read(ref.resolve("images/test2k-1232-lr-x4.png"));
    ImageCodec.write(lr.crop(40, 60, 70, 90), in.resolve("street.png"));
    ImageCodec.write(lr.crop(150, 200, 48, 64), in.resolve("sub/corner.png"));
    Files.writeString(in.resolve("broken.png"), "not a PNG at all");
    JobConfig cfg = JobConfig.resolve(in.toString(), out.toString(), Map.of(PcsrConf.MODEL,
        model.toString(), PcsrConf.ROUTING, "adaptive", PcsrConf.TILE_SIZE, "32",
        PcsrConf.STATS_PIXELS, "lr", PcsrConf.RUN_ID, "20260101-000000"), k -> null);
    PcsrJob.Outcome o = new PcsrJob(spark(), cfg).run();
    assertEquals(2, o.succeeded(), o.reconciliation());

    Path hr = tmp.resolve("hr");
    Files.createDirectories(hr);
    FloatImage big = ImageCodec.read(ref.resolve("images/test2k-1232-hr.png"));
    ImageCodec.write(big.crop(200, 400, 128, 160), hr.resolve("hr.png"));
    EvalCommand eval = CommandLine.populateCommand(new EvalCommand(), "--hr", hr.toString(),
        "--output", out.toString(), "--model", model.toString(), "--k", "0,1", "--adaptive",
        "--original", ref.resolve("checkpoints/fsrcnn-x4.pth").toString(), "--run-id", "ev1");
    assertEquals(0, new EvalJob(spark(), eval.config(k -> null)).run().failedRows());
  }

  @Test
  void pageLinksDecodableChartsAndRendersInChromium() throws Exception {
    runJobAndEval();
    Path html = tmp.resolve("site/run.html");
    ReportCommand cmd = CommandLine.populateCommand(new ReportCommand(), "--output",
        out.toString(), "--html", html.toString(), "--top", "5");
    ReportJob.Outcome o = new ReportJob(spark(), cmd.config()).run();
    assertEquals("20260101-000000", o.runId(), "the latest run by default");
    String page = Files.readString(html);
    for (String section : List.of("savings", "flops-per-pixel", "heavy-share",
        "costliest-images", "costliest-tiles", "class-maps", "eval", "errors")) {
      Assertions.assertTrue(page.contains("id=\"" + section + "\""), "section " + section);
    }
    Assertions.assertTrue(page.contains("sub/corner.png") && page.contains("broken.png"));

    Matcher m = Pattern.compile("<img src=\"([^\"]+)\"").matcher(page);
    Set<String> srcs = new HashSet<>();
    while (m.find()) {
      srcs.add(m.group(1));
    }
    // savings, FLOPs per pixel, heavy share, 2 class maps, 1 eval chart
    assertEquals(6, srcs.size(), srcs.toString());
    for (String src : srcs) {
      Assertions.assertTrue(src.startsWith("run_files/"), "relative link " + src);
      File f = html.resolveSibling(src).toFile();
      Assertions.assertTrue(f.isFile(), "linked file exists: " + src);
      BufferedImage img = ImageIO.read(f);
      assertNotNull(img, src + " decodes");
      Assertions.assertTrue(img.getWidth() > 10 && img.getHeight() > 10, src);
    }
    BufferedImage thumb = ImageIO.read(html.resolveSibling("run_files/classmap-000.png").toFile());
    assertEquals(90, thumb.getWidth(), "street.png: 360 output pixels wide, 4 per thumbnail pixel");

    screenshot(html);
  }

  @Test
  void aNamedRunIsReportedAndAnUnknownOneIsRefused() throws Exception {
    runJobAndEval();
    ReportJob.Outcome o = new ReportJob(spark(), new ReportJob.Config(out.toString(),
        "20260101-000000", null, 0, 3)).run();
    Assertions.assertTrue(o.html().endsWith("_report/20260101-000000/index.html"), o.html());
    Assertions.assertTrue(Files.isRegularFile(out.resolve("_report/20260101-000000/index.html")));
    Assertions.assertTrue(o.assets().stream().noneMatch(a -> a.contains("classmap")),
        "--thumbnails 0");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
        new ReportJob(spark(), new ReportJob.Config(out.toString(), "nope", null, 0, 3)).run());
    Assertions.assertTrue(e.getMessage().contains("20260101-000000"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new ReportJob(spark(),
        new ReportJob.Config(tmp.resolve("empty").toString(), null, null, 0, 3)).run());
  }

  /** Headless Chromium, when installed: a screenshot that is produced and not blank. */
  private static void screenshot(Path html) throws Exception {
    String chromium = findChromium();
    if (chromium == null) {
      System.out.println("chromium not installed (apt-get install -y chromium): screenshot skipped");
      return;
    }
    Path shot = tmp.resolve("screenshot.png");
    Path profile = Files.createTempDirectory(tmp, "chromium-profile");
    List<String> cmd = new ArrayList<>(List.of(chromium, "--headless", "--no-sandbox",
        "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile,
        "--screenshot=" + shot, "--window-size=1280,2000", html.toUri().toString()));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(tmp.resolve("chromium.log").toFile()).start();
    if (!p.waitFor(90, TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      Assertions.fail("chromium took more than 90 s: " + Files.readString(tmp.resolve("chromium.log")));
    }
    Assertions.assertTrue(Files.isRegularFile(shot),
        "chromium wrote no screenshot: " + Files.readString(tmp.resolve("chromium.log")));
    BufferedImage img = ImageIO.read(shot.toFile());
    assertNotNull(img);
    assertEquals(1280, img.getWidth());
    // not blank: many colours, and a good part of the page differs from its background (the
    // most frequent colour)
    Map<Integer, Long> counts = new java.util.HashMap<>();
    for (int y = 0; y < img.getHeight(); y += 2) {
      for (int x = 0; x < img.getWidth(); x += 2) {
        counts.merge(img.getRGB(x, y), 1L, Long::sum);
      }
    }
    long sampled = counts.values().stream().mapToLong(Long::longValue).sum();
    long background = counts.values().stream().mapToLong(Long::longValue).max().orElse(0);
    long differing = sampled - background;
    System.out.printf("screenshot: %d colours, %.1f %% of pixels off the background%n",
        counts.size(), 100.0 * differing / sampled);
    Assertions.assertTrue(counts.size() > 200, counts.size() + " colours");
    Assertions.assertTrue(differing > sampled / 10, "mostly background");
    String keep = System.getProperty("pcsr.report.screenshot");
    if (keep != null && !keep.isBlank()) {
      Files.copy(shot, Path.of(keep), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  static String findChromium() {
    for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
      for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
        Path p = Path.of(dir, name);
        if (Files.isExecutable(p)) {
          return p.toString();
        }
      }
    }
    return null;
  }
}
