package fr.liaison.gateway.officer;

import static fr.liaison.gateway.store.SqlTimes.time;

import fr.liaison.gateway.store.SqlTimes;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * The steering committee's indicators, computed from the indicator facts (message metadata, the
 * response's decision and first appointment date, the follow-up event's type and exit reason) and
 * the consent table's dates and purposes. Nothing personal is read. Every indicator is counted per
 * calendar month (UTC) and for one purpose or all: a referral's participant, outcome and delays in
 * the month the referral was sent or received, an exit reason in the month the accompaniment ended.
 */
@Service
class Indicators {

    static final List<String> PURPOSES = List.of("RESSOURCES_SOCIALES", "ACCOMPAGNEMENT_GLOBAL", "ACCOMPAGNEMENT_SOCIAL");
    static final List<String> OUTCOMES = List.of("ACCEPTED", "REFUSED", "MORE_INFORMATION_NEEDED", "UNANSWERED");
    /** Delay buckets in days, upper bounds inclusive; the last is open. */
    static final int[] BUCKET_LIMITS = {2, 7, 14, 30, 60};
    static final List<String> BUCKETS = List.of("0-2", "3-7", "8-14", "15-30", "31-60", ">60");

    private final JdbcClient jdbc;

    Indicators(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    record Fact(String messageId, String direction, String type, String sender, String recipient, String correlationId, String purpose,
            Instant at, String decision, LocalDate firstAppointment, String eventType, String exitReason, boolean synthetic) {
    }

    /** A distribution of delays in days: counts per bucket and the median. */
    record Distribution(long[] counts, Double median, int n) {
    }

    /**
     * Every indicator for the months shown and one purpose (null: every purpose). Each series has
     * one value per month of {@link #months()}; the delays have one distribution per month, and one
     * over the whole period for the page's summary.
     *
     * @param perMonth the series of {@link #SERIES}
     * @param sentTo referrals sent, per participant they were sent to, per month
     * @param receivedFrom referrals received, per participant they came from, per month (same participants as {@code sentTo})
     * @param answerDelays the delay from referral to answer, one distribution per month of the referral
     * @param appointmentDelays the delay from referral to first appointment, one distribution per month of the referral
     * @param exitReasons ended accompaniments, per exit reason, per month
     */
    record Report(String node, String purpose, List<YearMonth> months, Map<String, long[]> perMonth, Map<String, long[]> sentTo,
            Map<String, long[]> receivedFrom, List<Distribution> answerDelays, List<Distribution> appointmentDelays,
            Distribution answerDelay, Distribution appointmentDelay, Map<String, long[]> exitReasons, boolean synthetic) {
    }

    /** The series of {@link Report#perMonth()}, in display order. */
    static final List<String> SERIES = List.of("referralsSent", "referralsReceived", "ACCEPTED", "REFUSED", "MORE_INFORMATION_NEEDED",
            "UNANSWERED", "accompanimentsStarted", "accompanimentsEnded", "consentsRecorded", "consentsRevoked");

    Report compute(String node, String purpose, int monthCount, Instant now) {
        List<YearMonth> months = months(monthCount, now);
        Instant start = months.get(0).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
        String purposeFilter = purpose == null || purpose.isBlank() ? null : purpose;

        List<Fact> facts = jdbc.sql("SELECT * FROM indicator_fact WHERE at >= ? ORDER BY at").param(time(start))
                .query((rs, row) -> new Fact(rs.getString("message_id"), rs.getString("direction"), rs.getString("message_type"),
                        rs.getString("sender"), rs.getString("recipient"), rs.getString("correlation_id"), rs.getString("purpose"),
                        SqlTimes.instant(rs, "at"), rs.getString("decision"),
                        rs.getDate("first_appointment") == null ? null : rs.getDate("first_appointment").toLocalDate(),
                        rs.getString("event_type"), rs.getString("exit_reason"), rs.getBoolean("synthetic")))
                .list();

        String consentPurpose = purposeFilter == null ? "" : " AND purpose = ?";
        List<Object> consentParams = new ArrayList<>(List.of(node));
        if (purposeFilter != null) {
            consentParams.add(purposeFilter);
        }
        List<Instant[]> consents = new ArrayList<>(jdbc.sql("SELECT granted_at, revoked_at FROM consent WHERE recorded_by = ?" + consentPurpose)
                .params(consentParams).query((rs, row) -> new Instant[] {SqlTimes.instant(rs, "granted_at"), SqlTimes.instant(rs, "revoked_at")})
                .list());
        List<Object> seededParams = purposeFilter == null ? List.of() : List.of(purposeFilter);
        List<Instant[]> seeded = jdbc.sql("SELECT granted_at, revoked_at FROM indicator_consent_fact WHERE 1 = 1" + consentPurpose)
                .params(seededParams)
                .query((rs, row) -> new Instant[] {SqlTimes.instant(rs, "granted_at"), SqlTimes.instant(rs, "revoked_at")}).list();
        consents.addAll(seeded);
        return tally(node, purposeFilter, months, facts, consents, !seeded.isEmpty());
    }

    /** The {@code count} calendar months (UTC) that end with the month of {@code now}, oldest first. */
    static List<YearMonth> months(int count, Instant now) {
        YearMonth last = YearMonth.from(now.atOffset(ZoneOffset.UTC));
        List<YearMonth> months = new ArrayList<>();
        for (int i = count - 1; i >= 0; i--) {
            months.add(last.minusMonths(i));
        }
        return months;
    }

    /**
     * Counts the facts and consents (granted and revoked instants) into the months shown, for one
     * purpose (null: every purpose; consents are expected already filtered by purpose).
     */
    static Report tally(String node, String purposeFilter, List<YearMonth> months, List<Fact> facts, List<Instant[]> consents,
            boolean seededConsents) {
        boolean synthetic = seededConsents || facts.stream().anyMatch(Fact::synthetic);
        Map<String, long[]> perMonth = new LinkedHashMap<>();
        SERIES.forEach(series -> perMonth.put(series, new long[months.size()]));
        Map<String, long[]> sentTo = new TreeMap<>();
        Map<String, long[]> receivedFrom = new TreeMap<>();
        Map<String, long[]> exitReasons = new TreeMap<>();
        List<List<Long>> answerDays = new ArrayList<>();
        List<List<Long>> appointmentDays = new ArrayList<>();
        months.forEach(m -> {
            answerDays.add(new ArrayList<>());
            appointmentDays.add(new ArrayList<>());
        });

        // The first response to each referral, whatever its purpose filter (the referral's purpose decides).
        Map<String, Fact> responses = new HashMap<>();
        facts.stream().filter(f -> "REFERRAL_RESPONSE".equals(f.type()) && f.correlationId() != null)
                .sorted(Comparator.comparing(Fact::at)).forEach(f -> responses.putIfAbsent(f.correlationId(), f));

        for (Fact fact : facts) {
            if (purposeFilter != null && !purposeFilter.equals(fact.purpose())) {
                continue;
            }
            int month = months.indexOf(YearMonth.from(fact.at().atOffset(ZoneOffset.UTC)));
            if (month < 0) {
                continue;
            }
            switch (fact.type()) {
                case "REFERRAL" -> {
                    boolean sent = "OUTBOUND".equals(fact.direction());
                    perMonth.get(sent ? "referralsSent" : "referralsReceived")[month]++;
                    String other = sent ? fact.recipient() : fact.sender();
                    sentTo.computeIfAbsent(other, k -> new long[months.size()]);
                    receivedFrom.computeIfAbsent(other, k -> new long[months.size()]);
                    (sent ? sentTo : receivedFrom).get(other)[month]++;
                    Fact response = responses.get(fact.messageId());
                    String outcome = response == null || response.decision() == null ? "UNANSWERED" : response.decision();
                    perMonth.get(perMonth.containsKey(outcome) ? outcome : "UNANSWERED")[month]++;
                    if (response != null) {
                        answerDays.get(month).add(Math.max(0, Duration.between(fact.at(), response.at()).toHours() / 24));
                        if (response.firstAppointment() != null) {
                            appointmentDays.get(month).add(Math.max(0, ChronoUnit.DAYS.between(
                                    fact.at().atOffset(ZoneOffset.UTC).toLocalDate(), response.firstAppointment())));
                        }
                    }
                }
                case "FOLLOW_UP_EVENT" -> {
                    if ("ACCOMPANIMENT_STARTED".equals(fact.eventType())) {
                        perMonth.get("accompanimentsStarted")[month]++;
                    } else if ("ACCOMPANIMENT_ENDED".equals(fact.eventType())) {
                        perMonth.get("accompanimentsEnded")[month]++;
                        exitReasons.computeIfAbsent(fact.exitReason() == null ? "UNSPECIFIED" : fact.exitReason(),
                                k -> new long[months.size()])[month]++;
                    }
                }
                default -> {
                    // responses are counted with their referral
                }
            }
        }
        for (Instant[] consent : consents) {
            count(perMonth.get("consentsRecorded"), months, consent[0]);
            count(perMonth.get("consentsRevoked"), months, consent[1]);
        }
        return new Report(node, purposeFilter, months, perMonth, sentTo, receivedFrom,
                answerDays.stream().map(Indicators::distribution).toList(),
                appointmentDays.stream().map(Indicators::distribution).toList(),
                distribution(answerDays.stream().flatMap(List::stream).toList()),
                distribution(appointmentDays.stream().flatMap(List::stream).toList()), exitReasons, synthetic);
    }

    private static void count(long[] series, List<YearMonth> months, Instant at) {
        if (at != null) {
            int month = months.indexOf(YearMonth.from(at.atOffset(ZoneOffset.UTC)));
            if (month >= 0) {
                series[month]++;
            }
        }
    }

    static Distribution distribution(List<Long> days) {
        long[] counts = new long[BUCKETS.size()];
        for (long d : days) {
            int bucket = 0;
            while (bucket < BUCKET_LIMITS.length && d > BUCKET_LIMITS[bucket]) {
                bucket++;
            }
            counts[bucket]++;
        }
        Double median = null;
        if (!days.isEmpty()) {
            List<Long> sorted = days.stream().sorted().toList();
            int n = sorted.size();
            median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
        }
        return new Distribution(counts, median, days.size());
    }

    /**
     * The report as CSV: one line per value, {@code indicator,month,purpose,key,value}; every
     * indicator has a line per month (the delays: one distribution per month of the referral).
     */
    static String csv(Report report) {
        StringBuilder csv = new StringBuilder("indicator,month,purpose,key,value\n");
        String purpose = report.purpose() == null ? "ALL" : report.purpose();
        Map<String, String[]> names = new LinkedHashMap<>();
        names.put("referralsSent", new String[] {"referrals_sent", ""});
        names.put("referralsReceived", new String[] {"referrals_received", ""});
        for (String outcome : OUTCOMES) {
            names.put(outcome, new String[] {"referral_outcome", outcome});
        }
        names.put("accompanimentsStarted", new String[] {"accompaniments_started", ""});
        names.put("accompanimentsEnded", new String[] {"accompaniments_ended", ""});
        names.put("consentsRecorded", new String[] {"consents_recorded", ""});
        names.put("consentsRevoked", new String[] {"consents_revoked", ""});
        names.forEach((series, name) -> monthly(csv, report, name[0], purpose, name[1], report.perMonth().get(series)));
        report.sentTo().forEach((participant, counts) -> monthly(csv, report, "referrals_sent_to", purpose, participant, counts));
        report.receivedFrom().forEach((participant, counts) -> monthly(csv, report, "referrals_received_from", purpose, participant, counts));
        for (int m = 0; m < report.months().size(); m++) {
            String month = report.months().get(m).toString();
            distribution(csv, "delay_referral_to_answer_days", month, purpose, report.answerDelays().get(m));
            distribution(csv, "delay_referral_to_first_appointment_days", month, purpose, report.appointmentDelays().get(m));
        }
        report.exitReasons().forEach((reason, counts) -> monthly(csv, report, "exit_reason", purpose, reason, counts));
        return csv.toString();
    }

    private static void monthly(StringBuilder csv, Report report, String name, String purpose, String key, long[] values) {
        for (int m = 0; m < report.months().size(); m++) {
            line(csv, name, report.months().get(m).toString(), purpose, key, Long.toString(values[m]));
        }
    }

    private static void distribution(StringBuilder csv, String name, String month, String purpose, Distribution distribution) {
        for (int i = 0; i < BUCKETS.size(); i++) {
            line(csv, name, month, purpose, BUCKETS.get(i), Long.toString(distribution.counts()[i]));
        }
        line(csv, name, month, purpose, "median", distribution.median() == null ? "" : formatDays(distribution.median()));
        line(csv, name, month, purpose, "count", Integer.toString(distribution.n()));
    }

    static String formatDays(double days) {
        return days == Math.rint(days) ? Long.toString((long) days) : String.format(java.util.Locale.ROOT, "%.1f", days);
    }

    private static void line(StringBuilder csv, String... values) {
        for (int i = 0; i < values.length; i++) {
            String value = values[i];
            if (value.contains(",") || value.contains("\"")) {
                value = '"' + value.replace("\"", "\"\"") + '"';
            }
            csv.append(i == 0 ? "" : ",").append(value);
        }
        csv.append('\n');
    }
}
