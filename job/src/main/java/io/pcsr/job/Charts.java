package io.pcsr.job;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.labels.ItemLabelAnchor;
import org.jfree.chart.labels.ItemLabelPosition;
import org.jfree.chart.labels.StandardXYItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** The JFreeChart pictures of {@code pcsr eval} and {@code pcsr report}, as PNG bytes. */
final class Charts {
  static final Color PCSR = new Color(0x1f77b4);
  static final Color HEAVY = new Color(0xd62728);
  static final Color LIGHT = new Color(0x2ca02c);
  static final Color ORIGINAL = new Color(0x333333);
  static final Color GRAY = new Color(0x8c8c8c);

  private Charts() {}

  /** A point of the PSNR-FLOPs plane: mean GFLOPs per image and mean PSNR of one setting. */
  record Point(String label, double gflops, double psnr) {}

  /**
   * PSNR against GFLOPs for one model: the PCSR settings as a curve sorted by FLOPs (each point
   * labelled with its setting), all-heavy and the original network as separate markers. Where
   * the original was not run, a vertical line marks its FLOPs when they are known.
   */
  static JFreeChart psnrFlops(String title, List<Point> pcsr, Point allHeavy, Point original,
      Double originalGflops) {
    headless();
    XYSeriesCollection data = new XYSeriesCollection();
    XYSeries curve = new XYSeries("PCSR settings", false, true);
    List<Point> sorted = new ArrayList<>(pcsr);
    sorted.sort(Comparator.comparingDouble(Point::gflops));
    List<String> labels = new ArrayList<>();
    for (Point p : sorted) {
      curve.add(p.gflops(), p.psnr());
      labels.add(p.label());
    }
    data.addSeries(curve);
    XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
    r.setSeriesPaint(0, PCSR);
    r.setSeriesStroke(0, new BasicStroke(2f));
    r.setSeriesShape(0, new Ellipse2D.Double(-4, -4, 8, 8));
    int next = 1;
    if (allHeavy != null) {
      XYSeries s = new XYSeries("all-heavy (k = -25)");
      s.add(allHeavy.gflops(), allHeavy.psnr());
      data.addSeries(s);
      r.setSeriesLinesVisible(next, false);
      r.setSeriesPaint(next, HEAVY);
      r.setSeriesShape(next, new Rectangle2D.Double(-6, -6, 12, 12));
      next++;
    }
    if (original != null) {
      XYSeries s = new XYSeries("original network");
      s.add(original.gflops(), original.psnr());
      data.addSeries(s);
      r.setSeriesLinesVisible(next, false);
      r.setSeriesPaint(next, ORIGINAL);
      r.setSeriesShape(next, diamond(8));
    }
    r.setSeriesItemLabelGenerator(0, new StandardXYItemLabelGenerator() {
      @Override public String generateLabel(org.jfree.data.xy.XYDataset d, int series, int item) {
        return item < labels.size() ? labels.get(item) : "";
      }
    });
    r.setSeriesItemLabelsVisible(0, true);
    r.setSeriesItemLabelFont(0, new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    r.setSeriesPositiveItemLabelPosition(0, new ItemLabelPosition(ItemLabelAnchor.OUTSIDE12,
        TextAnchor.BOTTOM_CENTER));
    NumberAxis x = new NumberAxis("GFLOPs per image (official convention)");
    x.setAutoRangeIncludesZero(false);
    NumberAxis y = new NumberAxis("PSNR (dB, RGB, border = scale)");
    y.setAutoRangeIncludesZero(false);
    XYPlot plot = new XYPlot(data, x, y, r);
    if (original == null && originalGflops != null && !originalGflops.isNaN()) {
      ValueMarker m = new ValueMarker(originalGflops, GRAY, new BasicStroke(1.5f,
          BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
      m.setLabel("original network's FLOPs");
      m.setLabelAnchor(RectangleAnchor.TOP_LEFT);
      m.setLabelTextAnchor(TextAnchor.TOP_RIGHT);
      plot.addDomainMarker(m);
      // keep the marker in view
      double lo = Math.min(originalGflops, sorted.isEmpty() ? originalGflops : sorted.get(0).gflops());
      double hi = Math.max(originalGflops, allHeavy != null ? allHeavy.gflops() : lo);
      if (!sorted.isEmpty()) {
        hi = Math.max(hi, sorted.get(sorted.size() - 1).gflops());
      }
      double pad = Math.max(1e-9, (hi - lo) * 0.08);
      x.setRange(lo - pad, hi + pad);
    }
    styleXy(plot);
    // room for the labels above the points
    y.setUpperMargin(0.15);
    x.setLowerMargin(0.08);
    x.setUpperMargin(0.08);
    return chart(title, plot, true);
  }

  /**
   * A histogram from (bucket start, weight) pairs of equal width, as bars; optional vertical
   * markers (value, label).
   */
  static JFreeChart histogram(String title, String xLabel, String yLabel, double[] starts,
      double[] weights, double width, List<Marker> markers, Color color) {
    headless();
    XYSeries s = new XYSeries("histogram", false, true);
    for (int i = 0; i < starts.length; i++) {
      s.add(starts[i] + width / 2, weights[i]);
    }
    org.jfree.data.xy.XYBarDataset bars =
        new org.jfree.data.xy.XYBarDataset(new XYSeriesCollection(s), width * 0.9);
    XYBarRenderer r = new XYBarRenderer();
    r.setBarPainter(new StandardXYBarPainter());
    r.setShadowVisible(false);
    r.setSeriesPaint(0, color);
    NumberAxis x = new NumberAxis(xLabel);
    x.setAutoRangeIncludesZero(false);
    NumberAxis y = new NumberAxis(yLabel);
    XYPlot plot = new XYPlot(bars, x, y, r);
    double lo = starts.length == 0 ? 0 : starts[0];
    double hi = starts.length == 0 ? 1 : starts[starts.length - 1] + width;
    int index = 0;
    for (Marker mk : markers) {
      ValueMarker m = new ValueMarker(mk.value(), mk.color(), new BasicStroke(2f,
          BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
      m.setLabel(mk.label());
      m.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
      m.setLabelAnchor(RectangleAnchor.TOP_LEFT);
      m.setLabelTextAnchor(TextAnchor.TOP_RIGHT);
      // staggered, so that labels of close markers do not overlap
      m.setLabelOffset(new org.jfree.chart.ui.RectangleInsets(4 + 16 * index++, 4, 4, 4));
      plot.addDomainMarker(m);
      lo = Math.min(lo, mk.value());
      hi = Math.max(hi, mk.value());
    }
    double pad = Math.max(width, (hi - lo) * 0.05);
    x.setRange(lo - pad, hi + pad);
    styleXy(plot);
    return chart(title, plot, false);
  }

  /** A vertical reference line of a histogram. */
  record Marker(double value, String label, Color color) {}

  /** Bars per category; one series per entry of {@code series} (values[series][category]). */
  static JFreeChart bars(String title, String valueLabel, List<String> categories,
      List<String> series, double[][] values, Color[] colors, boolean rotateLabels) {
    headless();
    DefaultCategoryDataset d = new DefaultCategoryDataset();
    for (int s = 0; s < series.size(); s++) {
      for (int c = 0; c < categories.size(); c++) {
        d.addValue(values[s][c], series.get(s), categories.get(c));
      }
    }
    BarRenderer r = new BarRenderer();
    r.setBarPainter(new StandardBarPainter());
    r.setShadowVisible(false);
    r.setItemMargin(0.05);
    r.setMaximumBarWidth(0.12);
    for (int s = 0; s < colors.length; s++) {
      r.setSeriesPaint(s, colors[s]);
    }
    CategoryAxis x = new CategoryAxis();
    x.setTickLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
    x.setMaximumCategoryLabelWidthRatio(rotateLabels ? 0.5f : 1f);
    if (rotateLabels) {
      x.setCategoryLabelPositions(CategoryLabelPositions.UP_45);
    }
    NumberAxis y = new NumberAxis(valueLabel);
    CategoryPlot plot = new CategoryPlot(d, x, y, r);
    plot.setOrientation(PlotOrientation.VERTICAL);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setRangeGridlinePaint(new Color(0xdddddd));
    plot.setOutlineVisible(false);
    return chart(title, plot, series.size() > 1);
  }

  static byte[] png(JFreeChart chart, int width, int height) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ChartUtils.writeChartAsPNG(out, chart, width, height);
    return out.toByteArray();
  }

  static String fmt(String pattern, Object... args) {
    return String.format(Locale.ROOT, pattern, args);
  }

  private static JFreeChart chart(String title, org.jfree.chart.plot.Plot plot, boolean legend) {
    JFreeChart c = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 15), plot, legend);
    c.setBackgroundPaint(Color.WHITE);
    return c;
  }

  private static void styleXy(XYPlot plot) {
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(new Color(0xdddddd));
    plot.setRangeGridlinePaint(new Color(0xdddddd));
    plot.setOutlineVisible(false);
  }

  private static java.awt.Shape diamond(double r) {
    java.awt.geom.Path2D.Double p = new java.awt.geom.Path2D.Double();
    p.moveTo(0, -r);
    p.lineTo(r, 0);
    p.lineTo(0, r);
    p.lineTo(-r, 0);
    p.closePath();
    return p;
  }

  static void headless() {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
  }
}
