package io.kindling.bench;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * One curve of {@code bench --curves}: a size on the x axis (pipelines, tasks, runs, daemons) and one or two measures
 * of it, a point per size; drawn with XChart as one PNG, a panel per measure side by side, each with its own scale.
 *
 * @param id          the chart's file name, without {@code .png}
 * @param logarithmic a logarithmic x axis (sizes that grow tenfold)
 * @param sizes       the x values, in the order measured
 * @param how         how the points were measured
 */
record CurveChart(
        String id,
        String title,
        @JsonProperty("x_title") String xTitle,
        boolean logarithmic,
        List<Integer> sizes,
        List<Measure> measures,
        String how) {

    /**
     * One measure's values, one per size; null where the size could not be measured.
     *
     * @param logarithmic a logarithmic y axis (a measure that grows with the size); else linear from 0
     */
    record Measure(String name, String unit, boolean logarithmic, List<Double> values) {}

    /** This curve with its measures' values, a list per measure. */
    CurveChart withValues(List<List<Double>> values) {
        List<Measure> filled = new ArrayList<>();
        for (int m = 0; m < measures.size(); m++) {
            Measure measure = measures.get(m);
            filled.add(new Measure(measure.name(), measure.unit(), measure.logarithmic(), values.get(m)));
        }
        return new CurveChart(id, title, xTitle, logarithmic, sizes, filled, how);
    }

    CurveChart withHow(String text) {
        return new CurveChart(id, title, xTitle, logarithmic, sizes, measures, text);
    }

    private static final Color[] COLORS = {new Color(0xC0392B), new Color(0x2471A3)};

    /** The chart as a PNG in {@code folder}; its path. Points without a value are left out. */
    Path draw(Path folder) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<XYChart> panels = new ArrayList<>();
        for (int m = 0; m < measures.size(); m++) {
            panels.add(panel(measures.get(m), COLORS[m % COLORS.length]));
        }
        Path png = folder.resolve(id + ".png");
        BitmapEncoder.saveBitmap(panels, 1, panels.size(), png.toString(), BitmapEncoder.BitmapFormat.PNG);
        return png;
    }

    private XYChart panel(Measure measure, Color color) {
        XYChart chart = new XYChartBuilder()
                .width(560)
                .height(420)
                .title(title.substring(0, title.indexOf(':')) + ": " + measure.name())
                .xAxisTitle(xTitle)
                .yAxisTitle(axisTitle(measure))
                .build();
        XYStyler styler = chart.getStyler();
        styler.setXAxisLogarithmic(logarithmic).setYAxisLogarithmic(measure.logarithmic());
        if (!measure.logarithmic()) {
            styler.setYAxisMin(0.0);
        }
        styler.setLegendVisible(false);
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setPlotGridLinesVisible(true);
        styler.setXAxisDecimalPattern("#,###");
        styler.setYAxisDecimalPattern("#,##0.##");
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        for (int i = 0; i < sizes.size(); i++) {
            Double y = measure.values().get(i);
            if (y != null) {
                xs.add((double) sizes.get(i));
                ys.add(y);
            }
        }
        if (xs.isEmpty()) { // nothing measured: an empty panel that says so
            chart.setTitle(chart.getTitle() + " (not measured)");
            return chart;
        }
        XYSeries series = chart.addSeries(axisTitle(measure), xs, ys);
        series.setMarker(SeriesMarkers.CIRCLE);
        series.setLineColor(color);
        series.setMarkerColor(color);
        return chart;
    }

    private static String axisTitle(Measure m) {
        return m.name() + " (" + m.unit() + ")";
    }

    /** A Markdown table of the points: a row per size, a column per measure. */
    String table() {
        StringBuilder t = new StringBuilder("| ").append(xTitle).append(" |");
        StringBuilder rule = new StringBuilder("|---:|");
        for (Measure m : measures) {
            t.append(' ').append(axisTitle(m)).append(" |");
            rule.append("---:|");
        }
        t.append('\n').append(rule).append('\n');
        for (int i = 0; i < sizes.size(); i++) {
            t.append("| ")
                    .append(String.format(Locale.ROOT, "%,d", sizes.get(i)))
                    .append(" |");
            for (Measure m : measures) {
                Double v = m.values().get(i);
                t.append(' ').append(v == null ? "-" : Metric.number(v)).append(" |");
            }
            t.append('\n');
        }
        return t.toString();
    }
}
