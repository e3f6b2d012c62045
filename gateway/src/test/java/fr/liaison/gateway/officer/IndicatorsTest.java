package fr.liaison.gateway.officer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The indicators are counted per month and per purpose: volumes, referrals by participant, both
 * delay distributions and exit reasons alike, in the computation and in the CSV.
 */
class IndicatorsTest {

    private static final Instant NOW = Instant.parse("2026-11-20T10:00:00Z");
    private static final String GLOBAL = "ACCOMPAGNEMENT_GLOBAL";
    private static final String SOCIAL = "ACCOMPAGNEMENT_SOCIAL";

    private final List<Indicators.Fact> facts = new ArrayList<>();

    @Test
    void theMonthsShownEndWithTheCurrentOne() {
        assertThat(Indicators.months(3, NOW)).containsExactly(YearMonth.of(2026, 9), YearMonth.of(2026, 10), YearMonth.of(2026, 11));
    }

    @Test
    void referralsByParticipantAreCountedInTheMonthOfTheReferral() {
        sent("r1", "FT-25", GLOBAL, "2026-09-03T09:00:00Z");
        sent("r2", "FT-25", GLOBAL, "2026-11-02T09:00:00Z");
        sent("r3", "FT-17", GLOBAL, "2026-11-04T09:00:00Z");
        received("r4", "FT-17", GLOBAL, "2026-10-10T09:00:00Z");
        sent("r5", "FT-25", GLOBAL, "2026-07-01T09:00:00Z"); // before the months shown

        Indicators.Report report = tally(null);

        assertThat(report.sentTo()).containsOnlyKeys("FT-17", "FT-25");
        assertThat(report.sentTo().get("FT-25")).containsExactly(1, 0, 1);
        assertThat(report.sentTo().get("FT-17")).containsExactly(0, 0, 1);
        assertThat(report.receivedFrom().get("FT-17")).containsExactly(0, 1, 0);
        assertThat(report.receivedFrom().get("FT-25")).containsExactly(0, 0, 0);
        assertThat(report.perMonth().get("referralsSent")).containsExactly(1, 0, 2);
        assertThat(report.perMonth().get("UNANSWERED")).containsExactly(1, 1, 2);
    }

    @Test
    void eachMonthHasItsOwnDelayDistributionsAndMedians() {
        // September: answered after 1 and 10 days, appointments 5 and 20 days after the referral.
        sent("s1", "FT-25", GLOBAL, "2026-09-01T08:00:00Z");
        answer("s1", "ACCEPTED", "2026-09-02T09:00:00Z", LocalDate.parse("2026-09-06"));
        sent("s2", "FT-25", GLOBAL, "2026-09-10T08:00:00Z");
        answer("s2", "ACCEPTED", "2026-09-20T09:00:00Z", LocalDate.parse("2026-09-30"));
        // November: answered after 40 days (the answer comes in the next month, the referral's month counts) and refused.
        sent("n1", "FT-17", GLOBAL, "2026-10-25T08:00:00Z");
        answer("n1", "REFUSED", "2026-12-04T09:00:00Z", null);
        sent("n2", "FT-17", GLOBAL, "2026-11-01T08:00:00Z");

        Indicators.Report report = tally(null);

        Indicators.Distribution september = report.answerDelays().get(0);
        assertThat(september.n()).isEqualTo(2);
        assertThat(september.counts()).containsExactly(1, 0, 1, 0, 0, 0);
        assertThat(september.median()).isEqualTo(5.5);
        Indicators.Distribution october = report.answerDelays().get(1);
        assertThat(october.n()).isEqualTo(1);
        assertThat(october.counts()).containsExactly(0, 0, 0, 0, 1, 0);
        assertThat(october.median()).isEqualTo(40.0);
        assertThat(report.answerDelays().get(2).n()).as("November's referral is unanswered").isZero();
        assertThat(report.answerDelays().get(2).median()).isNull();

        assertThat(report.appointmentDelays().get(0).counts()).containsExactly(0, 1, 0, 1, 0, 0);
        assertThat(report.appointmentDelays().get(0).median()).isEqualTo(12.5);
        assertThat(report.appointmentDelays().get(1).n()).as("a refusal has no appointment").isZero();

        assertThat(report.answerDelay().n()).as("the period's distribution gathers the months").isEqualTo(3);
        assertThat(report.answerDelay().median()).isEqualTo(10.0);
        assertThat(report.perMonth().get("ACCEPTED")).containsExactly(2, 0, 0);
        assertThat(report.perMonth().get("REFUSED")).containsExactly(0, 1, 0);
        assertThat(report.perMonth().get("UNANSWERED")).containsExactly(0, 0, 1);
    }

    @Test
    void exitReasonsAreCountedInTheMonthTheAccompanimentEnded() {
        ended("EMPLOI_DURABLE", GLOBAL, "2026-09-15T10:00:00Z");
        ended("EMPLOI_DURABLE", GLOBAL, "2026-11-15T10:00:00Z");
        ended("FORMATION", GLOBAL, "2026-11-16T10:00:00Z");
        ended(null, GLOBAL, "2026-10-01T10:00:00Z");

        Indicators.Report report = tally(null);

        assertThat(report.exitReasons()).containsOnlyKeys("EMPLOI_DURABLE", "FORMATION", "UNSPECIFIED");
        assertThat(report.exitReasons().get("EMPLOI_DURABLE")).containsExactly(1, 0, 1);
        assertThat(report.exitReasons().get("FORMATION")).containsExactly(0, 0, 1);
        assertThat(report.exitReasons().get("UNSPECIFIED")).containsExactly(0, 1, 0);
        assertThat(report.perMonth().get("accompanimentsEnded")).containsExactly(1, 1, 2);
    }

    @Test
    void aPurposeKeepsOnlyItsOwnReferralsDelaysAndExitReasons() {
        sent("g1", "FT-25", GLOBAL, "2026-10-01T08:00:00Z");
        answer("g1", "ACCEPTED", "2026-10-03T08:00:00Z", null);
        sent("o1", "FT-17", SOCIAL, "2026-10-01T08:00:00Z");
        answer("o1", "ACCEPTED", "2026-10-21T08:00:00Z", null);
        ended("FORMATION", SOCIAL, "2026-10-05T10:00:00Z");

        Indicators.Report global = tally(GLOBAL);
        assertThat(global.purpose()).isEqualTo(GLOBAL);
        assertThat(global.sentTo()).containsOnlyKeys("FT-25");
        assertThat(global.answerDelays().get(1).median()).isEqualTo(2.0);
        assertThat(global.exitReasons()).isEmpty();

        Indicators.Report social = tally(SOCIAL);
        assertThat(social.sentTo()).containsOnlyKeys("FT-17");
        assertThat(social.answerDelays().get(1).median()).isEqualTo(20.0);
        assertThat(social.exitReasons().get("FORMATION")).containsExactly(0, 1, 0);

        Indicators.Report all = tally(null);
        assertThat(all.answerDelays().get(1).n()).isEqualTo(2);
    }

    @Test
    void everyCsvLineNamesOneMonthAndThePurpose() {
        sent("s1", "FT-25", GLOBAL, "2026-09-01T08:00:00Z");
        answer("s1", "ACCEPTED", "2026-09-04T08:00:00Z", LocalDate.parse("2026-09-11"));
        received("r1", "FT-17", GLOBAL, "2026-11-02T08:00:00Z");
        ended("ABANDON", GLOBAL, "2026-10-05T10:00:00Z");

        String csv = Indicators.csv(tally(GLOBAL));
        List<String> lines = csv.lines().toList();

        assertThat(lines.get(0)).isEqualTo("indicator,month,purpose,key,value");
        assertThat(lines.subList(1, lines.size())).allSatisfy(line -> {
            String[] cells = line.split(",", -1);
            assertThat(cells).hasSize(5);
            assertThat(cells[1]).as(line).isIn("2026-09", "2026-10", "2026-11");
            assertThat(cells[2]).isEqualTo(GLOBAL);
        });
        assertThat(lines).contains(
                "referrals_sent_to,2026-09," + GLOBAL + ",FT-25,1",
                "referrals_sent_to,2026-11," + GLOBAL + ",FT-25,0",
                "referrals_received_from,2026-11," + GLOBAL + ",FT-17,1",
                "referrals_received_from,2026-09," + GLOBAL + ",FT-17,0",
                "delay_referral_to_answer_days,2026-09," + GLOBAL + ",3-7,1",
                "delay_referral_to_answer_days,2026-09," + GLOBAL + ",median,3",
                "delay_referral_to_answer_days,2026-09," + GLOBAL + ",count,1",
                "delay_referral_to_answer_days,2026-10," + GLOBAL + ",median,",
                "delay_referral_to_answer_days,2026-10," + GLOBAL + ",count,0",
                "delay_referral_to_first_appointment_days,2026-09," + GLOBAL + ",8-14,1",
                "delay_referral_to_first_appointment_days,2026-09," + GLOBAL + ",median,10",
                "exit_reason,2026-10," + GLOBAL + ",ABANDON,1",
                "exit_reason,2026-11," + GLOBAL + ",ABANDON,0");
        // Each delay distribution: one line per band, the median and the count, for each of the three months.
        assertThat(lines).filteredOn(line -> line.startsWith("delay_referral_to_answer_days,")).hasSize(3 * (Indicators.BUCKETS.size() + 2));
        assertThat(csv).doesNotContain("..");
    }

    @Test
    void allPurposesAreNamedAllInTheCsv() {
        sent("s1", "FT-25", SOCIAL, "2026-11-01T08:00:00Z");
        assertThat(Indicators.csv(tally(null)).lines().skip(1)).allSatisfy(line -> assertThat(line.split(",", -1)[2]).isEqualTo("ALL"));
    }

    // ---------------------------------------------------------------------------------------------

    private Indicators.Report tally(String purpose) {
        return Indicators.tally("CD-25", purpose, Indicators.months(3, NOW), facts, List.of(), false);
    }

    private void sent(String id, String to, String purpose, String at) {
        facts.add(new Indicators.Fact(id, "OUTBOUND", "REFERRAL", "CD-25", to, null, purpose, Instant.parse(at), null, null, null, null,
                false));
    }

    private void received(String id, String from, String purpose, String at) {
        facts.add(new Indicators.Fact(id, "INBOUND", "REFERRAL", from, "CD-25", null, purpose, Instant.parse(at), null, null, null, null,
                false));
    }

    private void answer(String referralId, String decision, String at, LocalDate firstAppointment) {
        facts.add(new Indicators.Fact(referralId + "-answer", "INBOUND", "REFERRAL_RESPONSE", "FT-25", "CD-25", referralId, null,
                Instant.parse(at), decision, firstAppointment, null, null, false));
    }

    private void ended(String reason, String purpose, String at) {
        facts.add(new Indicators.Fact("e-" + facts.size(), "INBOUND", "FOLLOW_UP_EVENT", "FT-25", "CD-25", null, purpose, Instant.parse(at),
                null, null, "ACCOMPANIMENT_ENDED", reason, false));
    }
}
