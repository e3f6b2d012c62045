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
    private static final String[] COLOURS = {"#1f5fa8", "#c05a00", "#2e7d32", "#b00020", "#5f5f5f", "#6a3d9a"};
    private static final int WIDTH = 640;
    private static final int HEIGHT = 280;
    private static final int LEFT = 44;
    private static final int RIGHT = 12;
    private static final int TOP = 34;
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
        long top = ((max + step - 1) / step) * step;
        int plotWidth = WIDTH - LEFT - RIGHT;
        int plotHeight = HEIGHT - TOP - BOTTOM;
        StringBuilder svg = new StringBuilder();
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" viewBox=\"0 0 ").append(WIDTH).append(' ')
                .append(HEIGHT).append("\" aria-labelledby=\"").append(id).append("-title ").append(id).append("-desc\">");
        svg.append("<title id=\"").append(id).append("-title\">").append(escape(title)).append("</title>");
        svg.append("<desc id=\"").append(id).append("-desc\">").append(escape(description)).append("</desc>");
        // legend
        int x = LEFT;
        for (int i = 0; i < series.size(); i++) {
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"8\" width=\"12\" height=\"12\" fill=\"%s\"/>", x, colour(i)));
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" class=\"legend\">%s</text>", x + 16,
                    escape(series.get(i).name())));
            x += 24 + series.get(i).name().length() * 7;
        }
        // grid and axis
        for (long tick = 0; tick <= top; tick += step) {
            double y = TOP + plotHeight - (double) tick / top * plotHeight;
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
                double h = (double) value / top * plotHeight;
                double bx = groupX + s * bar;
                svg.append(String.format(Locale.ROOT,
                        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s, %s: %d</title></rect>", bx,
                        TOP + plotHeight - h, Math.max(1, bar - 2), h, colour(s), escape(labels.get(l)), escape(series.get(s).name()),
                        value));
            }
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" class=\"tick\" text-anchor=\"middle\">%s</text>",
                    LEFT + l * group + group / 2, HEIGHT - BOTTOM + 18, escape(labels.get(l))));
        }
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" class=\"axis\"/>", LEFT, WIDTH - RIGHT,
                TOP + plotHeight, TOP + plotHeight));
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
