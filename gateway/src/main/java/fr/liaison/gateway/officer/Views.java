package fr.liaison.gateway.officer;

import java.util.List;

/** View models of the officer pages. */
final class Views {

    private Views() {
    }

    /** A data table: the text alternative of a chart, or a plain list. */
    record Table(String caption, List<String> headers, List<List<String>> rows) {
    }

    /** A chart: inline SVG drawn by {@link SvgCharts}, a one-line summary and its data table. */
    record Chart(String id, String title, String summary, String svg, Table table) {
    }

    /** A choice in a select. */
    record Option(String value, String label) {
    }
}
