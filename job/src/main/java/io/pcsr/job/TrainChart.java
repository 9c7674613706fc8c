package io.pcsr.job;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** The training curve of a {@code pcsr train} CSV log as a PNG: loss above, validation PSNR below. */
final class TrainChart {
  private TrainChart() {}

  static void render(Path csv, Path png, String title) throws IOException {
    System.setProperty("java.awt.headless", "true");
    List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
    String[] header = lines.get(0).split(",", -1);
    int iter = col(header, "iteration");
    int loss = col(header, "loss");
    int psnr = col(header, "val_psnr");
    int bicubic = col(header, "val_bicubic_psnr");
    int allHeavy = col(header, "val_psnr_all_heavy");
    int phase = col(header, "phase");
    XYSeries lossSeries = new XYSeries("training loss");
    XYSeries psnrSeries = new XYSeries("validation PSNR");
    XYSeries bicubicSeries = new XYSeries("bicubic");
    XYSeries heavySeries = new XYSeries("all-heavy PSNR");
    boolean phase1 = false;
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",", -1);
      if (f.length < header.length) {
        continue;
      }
      double x = Double.parseDouble(f[iter]);
      phase1 |= f[phase].equals("1");
      lossSeries.add(x, Double.parseDouble(f[loss]));
      if (!f[psnr].isEmpty()) {
        psnrSeries.add(x, Double.parseDouble(f[psnr]));
        bicubicSeries.add(x, Double.parseDouble(f[bicubic]));
        heavySeries.add(x, Double.parseDouble(f[allHeavy]));
      }
    }
    XYLineAndShapeRenderer lossRenderer = new XYLineAndShapeRenderer(true, false);
    lossRenderer.setSeriesPaint(0, new Color(0x1f77b4));
    NumberAxis lossAxis = new NumberAxis(phase1 ? "loss (1000 L1 + 3 avg)" : "L1 loss");
    lossAxis.setAutoRangeIncludesZero(false);
    XYPlot lossPlot = new XYPlot(new XYSeriesCollection(lossSeries), null, lossAxis, lossRenderer);

    XYSeriesCollection val = new XYSeriesCollection();
    val.addSeries(psnrSeries);
    val.addSeries(bicubicSeries);
    if (phase1) {
      heavySeries.setKey("all-heavy PSNR");
      psnrSeries.setKey("validation PSNR (k = 0)");
      val.addSeries(heavySeries);
    }
    XYLineAndShapeRenderer valRenderer = new XYLineAndShapeRenderer(true, true);
    valRenderer.setSeriesPaint(0, new Color(0xd62728));
    valRenderer.setSeriesPaint(1, Color.GRAY);
    valRenderer.setSeriesStroke(1, new BasicStroke(1.5f, BasicStroke.CAP_BUTT,
        BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
    valRenderer.setSeriesPaint(2, new Color(0x2ca02c));
    NumberAxis psnrAxis = new NumberAxis("validation PSNR (dB)");
    psnrAxis.setAutoRangeIncludesZero(false);
    XYPlot valPlot = new XYPlot(val, null, psnrAxis, valRenderer);

    CombinedDomainXYPlot plot = new CombinedDomainXYPlot(new NumberAxis("iteration"));
    plot.add(lossPlot, 1);
    plot.add(valPlot, 1);
    JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
    chart.setBackgroundPaint(Color.WHITE);
    Path tmp = png.resolveSibling(png.getFileName() + ".tmp");
    ChartUtils.saveChartAsPNG(tmp.toFile(), chart, 900, 640);
    Files.move(tmp, png, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  private static int col(String[] header, String name) {
    for (int i = 0; i < header.length; i++) {
      if (header[i].equals(name)) {
        return i;
      }
    }
    throw new IllegalArgumentException("training log has no column '" + name + "'");
  }
}
