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
 * the consent table's dates and purposes. Nothing personal is read. Months are calendar months in
 * UTC; a referral's outcome and delays are counted in the month the referral was sent or received.
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

    /** Every indicator for the months shown and one purpose (null: every purpose). */
    record Report(String node, String purpose, List<YearMonth> months, Map<String, long[]> perMonth,
            Map<String, long[]> byParticipant, Distribution answerDelay, Distribution appointmentDelay,
            Map<String, Long> exitReasons, boolean synthetic) {
    }

    /** The series of {@link Report#perMonth()}, in display order. */
    static final List<String> SERIES = List.of("referralsSent", "referralsReceived", "ACCEPTED", "REFUSED", "MORE_INFORMATION_NEEDED",
            "UNANSWERED", "accompanimentsStarted", "accompanimentsEnded", "consentsRecorded", "consentsRevoked");

    Report compute(String node, String purpose, int monthCount, Instant now) {
        YearMonth last = YearMonth.from(now.atOffset(ZoneOffset.UTC));
        List<YearMonth> months = new ArrayList<>();
        for (int i = monthCount - 1; i >= 0; i--) {
            months.add(last.minusMonths(i));
        }
        Instant start = months.get(0).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
        String purposeFilter = purpose == null || purpose.isBlank() ? null : purpose;

        List<Fact> facts = jdbc.sql("SELECT * FROM indicator_fact WHERE at >= ? ORDER BY at").param(time(start))
                .query((rs, row) -> new Fact(rs.getString("message_id"), rs.getString("direction"), rs.getString("message_type"),
                        rs.getString("sender"), rs.getString("recipient"), rs.getString("correlation_id"), rs.getString("purpose"),
                        SqlTimes.instant(rs, "at"), rs.getString("decision"),
                        rs.getDate("first_appointment") == null ? null : rs.getDate("first_appointment").toLocalDate(),
                        rs.getString("event_type"), rs.getString("exit_reason"), rs.getBoolean("synthetic")))
                .list();
        boolean synthetic = facts.stream().anyMatch(Fact::synthetic);

        Map<String, long[]> perMonth = new LinkedHashMap<>();
        SERIES.forEach(series -> perMonth.put(series, new long[months.size()]));
        Map<String, long[]> byParticipant = new TreeMap<>();
        Map<String, Long> exitReasons = new TreeMap<>();
        List<Long> answerDays = new ArrayList<>();
        List<Long> appointmentDays = new ArrayList<>();

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
                    byParticipant.computeIfAbsent(other, k -> new long[2])[sent ? 0 : 1]++;
                    Fact response = responses.get(fact.messageId());
                    String outcome = response == null || response.decision() == null ? "UNANSWERED" : response.decision();
                    perMonth.get(perMonth.containsKey(outcome) ? outcome : "UNANSWERED")[month]++;
                    if (response != null) {
                        answerDays.add(Math.max(0, Duration.between(fact.at(), response.at()).toHours() / 24));
                        if (response.firstAppointment() != null) {
                            appointmentDays.add(Math.max(0, ChronoUnit.DAYS.between(fact.at().atOffset(ZoneOffset.UTC).toLocalDate(),
                                    response.firstAppointment())));
                        }
                    }
                }
                case "FOLLOW_UP_EVENT" -> {
                    if ("ACCOMPANIMENT_STARTED".equals(fact.eventType())) {
                        perMonth.get("accompanimentsStarted")[month]++;
                    } else if ("ACCOMPANIMENT_ENDED".equals(fact.eventType())) {
                        perMonth.get("accompanimentsEnded")[month]++;
                        exitReasons.merge(fact.exitReason() == null ? "UNSPECIFIED" : fact.exitReason(), 1L, Long::sum);
                    }
                }
                default -> {
                    // responses are counted with their referral
                }
            }
        }

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
        synthetic |= !seeded.isEmpty();
        consents.addAll(seeded);
        for (Instant[] consent : consents) {
            count(perMonth.get("consentsRecorded"), months, consent[0]);
            count(perMonth.get("consentsRevoked"), months, consent[1]);
        }
        return new Report(node, purposeFilter, months, perMonth, byParticipant, distribution(answerDays),
                distribution(appointmentDays), exitReasons, synthetic);
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

    /** The report as CSV: one line per value, {@code indicator,month,purpose,key,value}. */
    static String csv(Report report) {
        StringBuilder csv = new StringBuilder("indicator,month,purpose,key,value\n");
        String purpose = report.purpose() == null ? "ALL" : report.purpose();
        String period = report.months().get(0) + ".." + report.months().get(report.months().size() - 1);
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
        names.forEach((series, name) -> {
            long[] values = report.perMonth().get(series);
            for (int i = 0; i < report.months().size(); i++) {
                line(csv, name[0], report.months().get(i).toString(), purpose, name[1], Long.toString(values[i]));
            }
        });
        report.byParticipant().forEach((participant, counts) -> {
            line(csv, "referrals_sent_to", period, purpose, participant, Long.toString(counts[0]));
            line(csv, "referrals_received_from", period, purpose, participant, Long.toString(counts[1]));
        });
        distribution(csv, "delay_referral_to_answer_days", period, purpose, report.answerDelay());
        distribution(csv, "delay_referral_to_first_appointment_days", period, purpose, report.appointmentDelay());
        report.exitReasons().forEach((reason, count) -> line(csv, "exit_reason", period, purpose, reason, Long.toString(count)));
        return csv.toString();
    }

    private static void distribution(StringBuilder csv, String name, String period, String purpose, Distribution distribution) {
        for (int i = 0; i < BUCKETS.size(); i++) {
            line(csv, name, period, purpose, BUCKETS.get(i), Long.toString(distribution.counts()[i]));
        }
        line(csv, name, period, purpose, "median", distribution.median() == null ? "" : formatDays(distribution.median()));
        line(csv, name, period, purpose, "count", Integer.toString(distribution.n()));
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
