package fr.liaison.gateway.officer;

import java.util.List;
import java.util.Locale;

/**
 * Bar charts drawn on the server as inline SVG: no script, no CDN, printable, and readable
 * without colour (each series is named in the legend and every value is in the table next to
 * the chart; the SVG carries a title and a text description for screen readers).
 */
final class SvgCharts {

    /** Colours with enough contrast on white; the legend and the table name each series too. */
    private static final String[] COLOURS = {"#1f5fa8", "#c05a00", "#2e7d32", "#b00020", "#5f5f5f", "#6a3d9a", "#00796b", "#8d6e00",
        "#ad1457", "#37474f"};
    private static final int WIDTH = 640;
    private static final int HEIGHT = 280;
    private static final int LEFT = 44;
    private static final int RIGHT = 12;
    private static final int TOP = 34;
    private static final int LEGEND_LINE = 18;
    private static final int BOTTOM = 44;

    private SvgCharts() {
    }

    record Series(String name, long[] values) {
    }

    /** Grouped vertical bars: one group per label, one bar per series. */
    static String bars(String id, String title, String description, List<String> labels, List<Series> series) {
        long max = 1;
        for (Series s : series) {
            for (long v : s.values()) {
                max = Math.max(max, v);
            }
        }
        long step = niceStep(max);
        long ceiling = ((max + step - 1) / step) * step;
        // The legend wraps onto as many lines as it needs; the plot moves down and the chart grows.
        int[] legendX = new int[series.size()];
        int[] legendLine = new int[series.size()];
        int x = LEFT;
        int lines = 1;
        for (int i = 0; i < series.size(); i++) {
            int width = 24 + series.get(i).name().length() * 7;
            if (x > LEFT && x + width - 8 > WIDTH - RIGHT) {
                x = LEFT;
                lines++;
            }
            legendX[i] = x;
            legendLine[i] = lines - 1;
            x += width;
        }
        int top = TOP + (lines - 1) * LEGEND_LINE;
        int height = HEIGHT + (lines - 1) * LEGEND_LINE;
        int plotWidth = WIDTH - LEFT - RIGHT;
        int plotHeight = height - top - BOTTOM;
        StringBuilder svg = new StringBuilder();
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" viewBox=\"0 0 ").append(WIDTH).append(' ')
                .append(height).append("\" aria-labelledby=\"").append(id).append("-title ").append(id).append("-desc\">");
        svg.append("<title id=\"").append(id).append("-title\">").append(escape(title)).append("</title>");
        svg.append("<desc id=\"").append(id).append("-desc\">").append(escape(description)).append("</desc>");
        for (int i = 0; i < series.size(); i++) {
            int y = 8 + legendLine[i] * LEGEND_LINE;
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>", legendX[i], y,
                    colour(i)));
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" class=\"legend\">%s</text>", legendX[i] + 16, y + 10,
                    escape(series.get(i).name())));
        }
        // grid and axis
        for (long tick = 0; tick <= ceiling; tick += step) {
            double y = top + plotHeight - (double) tick / ceiling * plotHeight;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" class=\"grid\"/>", LEFT,
                    WIDTH - RIGHT, y, y));
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" class=\"tick\" text-anchor=\"end\">%d</text>", LEFT - 6,
                    y + 4, tick));
        }
        double group = (double) plotWidth / Math.max(1, labels.size());
        double bar = Math.min(28, group * 0.8 / Math.max(1, series.size()));
        for (int l = 0; l < labels.size(); l++) {
            double groupX = LEFT + l * group + (group - bar * series.size()) / 2;
            for (int s = 0; s < series.size(); s++) {
                long value = series.get(s).values()[l];
                double h = (double) value / ceiling * plotHeight;
                double bx = groupX + s * bar;
                svg.append(String.format(Locale.ROOT,
                        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s, %s: %d</title></rect>", bx,
                        top + plotHeight - h, Math.max(1, bar - 2), h, colour(s), escape(labels.get(l)), escape(series.get(s).name()),
                        value));
            }
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" class=\"tick\" text-anchor=\"middle\">%s</text>",
                    LEFT + l * group + group / 2, height - BOTTOM + 18, escape(labels.get(l))));
        }
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" class=\"axis\"/>", LEFT, WIDTH - RIGHT,
                top + plotHeight, top + plotHeight));
        svg.append("</svg>");
        return svg.toString();
    }

    /** 1, 2, 5, 10, 20, 50...: the smallest that keeps at most eight grid lines. */
    private static long niceStep(long max) {
        long[] multiples = {1, 2, 5};
        long base = 1;
        int i = 0;
        while (max / (base * multiples[i]) > 8) {
            if (++i == multiples.length) {
                i = 0;
                base *= 10;
            }
        }
        return base * multiples[i];
    }

    private static String colour(int index) {
        return COLOURS[index % COLOURS.length];
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
