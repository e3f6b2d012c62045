package fr.liaison.gateway.officer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** A legend too long for one line (the nine exit reasons) wraps, and the chart grows to hold it. */
class SvgChartsTest {

    private static final List<String> REASONS = List.of("ABANDON", "AUTRE", "CREATION_ENTREPRISE", "DEMENAGEMENT", "EMPLOI_DURABLE",
            "EMPLOI_TEMPORAIRE", "FORMATION", "REORIENTATION_PROFESSIONNELLE", "REORIENTATION_SOCIALE");

    @Test
    void aShortLegendStaysOnOneLine() {
        String svg = SvgCharts.bars("c", "t", "d", List.of("2026-10", "2026-11"),
                List.of(new SvgCharts.Series("Sent", new long[] {1, 2}), new SvgCharts.Series("Received", new long[] {3, 4})));
        assertThat(svg).contains("viewBox=\"0 0 640 280\"");
        assertThat(legendRows(svg)).containsOnly(8);
    }

    @Test
    void aLongLegendWrapsWithinTheChartAndEveryNameIsWhole() {
        List<SvgCharts.Series> series = new ArrayList<>();
        REASONS.forEach(reason -> series.add(new SvgCharts.Series(reason, new long[] {1, 2, 3})));
        String svg = SvgCharts.bars("c", "t", "d", List.of("2026-09", "2026-10", "2026-11"), series);

        List<Integer> rows = legendRows(svg);
        assertThat(rows).hasSize(REASONS.size());
        int lines = (int) rows.stream().distinct().count();
        assertThat(lines).isGreaterThan(1);
        assertThat(svg).contains("viewBox=\"0 0 640 " + (280 + (lines - 1) * 18) + "\"");
        REASONS.forEach(reason -> assertThat(svg).contains("class=\"legend\">" + reason + "</text>"));
        Matcher text = Pattern.compile("<text x=\"(\\d+)\" y=\"\\d+\" class=\"legend\">([^<]+)</text>").matcher(svg);
        while (text.find()) {
            int end = Integer.parseInt(text.group(1)) + text.group(2).length() * 7;
            assertThat(end).as(text.group(2)).isLessThanOrEqualTo(640);
        }
    }

    /** The y of each legend swatch. */
    private static List<Integer> legendRows(String svg) {
        Matcher swatch = Pattern.compile("<rect x=\"\\d+\" y=\"(\\d+)\" width=\"12\" height=\"12\"").matcher(svg);
        List<Integer> rows = new ArrayList<>();
        while (swatch.find()) {
            rows.add(Integer.parseInt(swatch.group(1)));
        }
        return rows;
    }
}
