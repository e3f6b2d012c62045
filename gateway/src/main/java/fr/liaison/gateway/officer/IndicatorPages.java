package fr.liaison.gateway.officer;

import fr.liaison.gateway.audit.AuditReads;

import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.time.Clock;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The steering committee's indicators: charts drawn on the server (SVG, no script), each with
 * its data table, and the same figures as CSV. No personal data is read or shown.
 */
@Controller
class IndicatorPages {

    private static final Map<String, String> SERIES_NAMES = Map.of("referralsSent", "Sent", "referralsReceived", "Received",
            "ACCEPTED", "Accepted", "REFUSED", "Refused", "MORE_INFORMATION_NEEDED", "More information needed", "UNANSWERED",
            "Unanswered", "accompanimentsStarted", "Started", "accompanimentsEnded", "Ended", "consentsRecorded", "Recorded",
            "consentsRevoked", "Revoked");

    private final Indicators indicators;
    private final AuditReads reads;
    private final Clock clock;

    IndicatorPages(Indicators indicators, AuditReads reads, Clock clock) {
        this.indicators = indicators;
        this.reads = reads;
        this.clock = clock;
    }

    @GetMapping("/officer/indicators")
    String page(@RequestParam(required = false) String purpose, @RequestParam(defaultValue = "6") int months, Model model) {
        Indicators.Report report = report(purpose, months);
        model.addAttribute("report", report);
        model.addAttribute("purposes", Indicators.PURPOSES);
        model.addAttribute("purpose", report.purpose() == null ? "" : report.purpose());
        model.addAttribute("months", report.months().size());
        model.addAttribute("charts", charts(report));
        model.addAttribute("participants", participantTable(report));
        model.addAttribute("csvUrl", "/officer/indicators.csv?months=" + report.months().size()
                + (report.purpose() == null ? "" : "&purpose=" + report.purpose()));
        return "officer/indicators";
    }

    @GetMapping("/officer/indicators.csv")
    ResponseEntity<byte[]> csv(@RequestParam(required = false) String purpose, @RequestParam(defaultValue = "6") int months) {
        Indicators.Report report = report(purpose, months);
        return ResponseEntity.ok()
                .header("Content-Disposition", "attachment; filename=\"indicators-" + report.node() + ".csv\"")
                .contentType(new MediaType("text", "csv", StandardCharsets.UTF_8))
                .body(Indicators.csv(report).getBytes(StandardCharsets.UTF_8));
    }

    private Indicators.Report report(String purpose, int months) {
        String chosen = purpose != null && Indicators.PURPOSES.contains(purpose) ? purpose : null;
        return indicators.compute(reads.participantId(), chosen, Math.max(1, Math.min(months, 24)), clock.instant());
    }

    private static List<Views.Chart> charts(Indicators.Report report) {
        List<String> labels = report.months().stream().map(YearMonth::toString).toList();
        List<Views.Chart> charts = new ArrayList<>();
        charts.add(monthly(report, labels, "referrals", "Referrals sent and received per month", List.of("referralsSent", "referralsReceived")));
        charts.add(monthly(report, labels, "answers", "Answers to referrals, by month of the referral",
                List.of("ACCEPTED", "REFUSED", "MORE_INFORMATION_NEEDED", "UNANSWERED")));
        charts.add(delay(labels, "answer-delay", "Delay from referral to answer (days), by month of the referral", report.answerDelays(),
                report.answerDelay()));
        charts.add(delay(labels, "appointment-delay", "Delay from referral to first appointment (days), by month of the referral",
                report.appointmentDelays(), report.appointmentDelay()));
        charts.add(monthly(report, labels, "accompaniments", "Accompaniments started and ended per month",
                List.of("accompanimentsStarted", "accompanimentsEnded")));
        charts.add(exitReasons(report, labels));
        charts.add(monthly(report, labels, "consents", "Consents recorded and revoked per month", List.of("consentsRecorded", "consentsRevoked")));
        return charts;
    }

    private static Views.Chart monthly(Indicators.Report report, List<String> labels, String id, String title, List<String> series) {
        List<SvgCharts.Series> data = series.stream().map(s -> new SvgCharts.Series(SERIES_NAMES.get(s), report.perMonth().get(s))).toList();
        List<String> headers = new ArrayList<>(List.of("Month"));
        series.forEach(s -> headers.add(SERIES_NAMES.get(s)));
        List<List<String>> rows = new ArrayList<>();
        long[] totals = new long[series.size()];
        for (int m = 0; m < labels.size(); m++) {
            List<String> row = new ArrayList<>(List.of(labels.get(m)));
            for (int s = 0; s < series.size(); s++) {
                long value = report.perMonth().get(series.get(s))[m];
                totals[s] += value;
                row.add(Long.toString(value));
            }
            rows.add(row);
        }
        StringBuilder summary = new StringBuilder("Over the period: ");
        for (int s = 0; s < series.size(); s++) {
            summary.append(s == 0 ? "" : ", ").append(SERIES_NAMES.get(series.get(s)).toLowerCase()).append(' ').append(totals[s]);
        }
        summary.append('.');
        return new Views.Chart(id, title, summary.toString(),
                SvgCharts.bars(id + "-svg", title, summary.toString(), labels, data), new Views.Table(title, headers, rows));
    }

    /** One group of bars per month, one bar per delay band; the table adds each month's median. */
    private static Views.Chart delay(List<String> labels, String id, String title, List<Indicators.Distribution> perMonth,
            Indicators.Distribution period) {
        String summary = period.n() == 0 ? "No answered referral in this period."
                : "Median " + Indicators.formatDays(period.median()) + " days over " + period.n() + " referrals in the period.";
        List<SvgCharts.Series> bands = new ArrayList<>();
        for (int b = 0; b < Indicators.BUCKETS.size(); b++) {
            long[] values = new long[labels.size()];
            for (int m = 0; m < labels.size(); m++) {
                values[m] = perMonth.get(m).counts()[b];
            }
            bands.add(new SvgCharts.Series(Indicators.BUCKETS.get(b) + " d", values));
        }
        List<String> headers = new ArrayList<>(List.of("Month"));
        Indicators.BUCKETS.forEach(bucket -> headers.add(bucket + " days"));
        headers.addAll(List.of("Median (days)", "Referrals"));
        List<List<String>> rows = new ArrayList<>();
        for (int m = 0; m < labels.size(); m++) {
            Indicators.Distribution month = perMonth.get(m);
            List<String> row = new ArrayList<>(List.of(labels.get(m)));
            for (long count : month.counts()) {
                row.add(Long.toString(count));
            }
            row.add(month.median() == null ? "—" : Indicators.formatDays(month.median()));
            row.add(Integer.toString(month.n()));
            rows.add(row);
        }
        return new Views.Chart(id, title, summary,
                SvgCharts.bars(id + "-svg", title, "Number of referrals per month and delay band, in days. " + summary, labels, bands),
                new Views.Table(title, headers, rows));
    }

    /** One group of bars per month, one bar per exit reason met in the period. */
    private static Views.Chart exitReasons(Indicators.Report report, List<String> labels) {
        String title = "Exit reasons of ended accompaniments per month";
        List<String> reasons = new ArrayList<>(report.exitReasons().keySet());
        long[] totals = reasons.stream().mapToLong(r -> java.util.Arrays.stream(report.exitReasons().get(r)).sum()).toArray();
        String summary = reasons.isEmpty() ? "No accompaniment ended in this period."
                : "Most frequent over the period: " + mostFrequent(reasons, totals) + ".";
        List<String> headers = new ArrayList<>(List.of("Month"));
        headers.addAll(reasons);
        List<List<String>> rows = new ArrayList<>();
        for (int m = 0; m < labels.size(); m++) {
            List<String> row = new ArrayList<>(List.of(labels.get(m)));
            for (String reason : reasons) {
                row.add(Long.toString(report.exitReasons().get(reason)[m]));
            }
            rows.add(row);
        }
        return new Views.Chart("exit-reasons", title, summary,
                SvgCharts.bars("exit-reasons-svg", title, "Number of ended accompaniments per month and exit reason. " + summary, labels,
                        reasons.stream().map(r -> new SvgCharts.Series(r, report.exitReasons().get(r))).toList()),
                new Views.Table(title, headers, reasons.isEmpty() ? List.of() : rows));
    }

    /** A row per month and participant exchanged with that month; months with none are left out. */
    private static Views.Table participantTable(Indicators.Report report) {
        List<List<String>> rows = new ArrayList<>();
        for (int m = report.months().size() - 1; m >= 0; m--) {
            for (String participant : report.sentTo().keySet()) {
                long sent = report.sentTo().get(participant)[m];
                long received = report.receivedFrom().get(participant)[m];
                if (sent + received > 0) {
                    rows.add(List.of(report.months().get(m).toString(), participant, Long.toString(sent), Long.toString(received)));
                }
            }
        }
        return new Views.Table("Referrals by participant and month, latest month first",
                List.of("Month", "Participant", "Sent to", "Received from"), rows);
    }

    private static String mostFrequent(List<String> reasons, long[] counts) {
        int best = 0;
        for (int i = 1; i < counts.length; i++) {
            if (counts[i] > counts[best]) {
                best = i;
            }
        }
        return reasons.get(best);
    }
}
