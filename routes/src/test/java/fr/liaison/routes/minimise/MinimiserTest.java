package fr.liaison.routes.minimise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fr.liaison.routes.directory.ParticipantKind;
import fr.liaison.routes.testing.DevNetwork;
import fr.liaison.schemas.MessageCodec;
import fr.liaison.schemas.MessageFormat;
import fr.liaison.schemas.v1.BarrierCategory;
import fr.liaison.schemas.v1.DataCategory;
import fr.liaison.schemas.v1.DiagnosedBarrier;
import fr.liaison.schemas.v1.LiaisonMessage;
import fr.liaison.schemas.v1.Referral;
import fr.liaison.schemas.v1.SharedDiagnosis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MinimiserTest {

    private static final MessageCodec CODEC = MessageCodec.v1();

    private final Minimiser minimiser = Minimiser.defaults();

    private static LiaisonMessage sample(String name) {
        try {
            byte[] bytes = Files.readAllBytes(DevNetwork.samples().resolve("v1/valid").resolve(name));
            return CODEC.read(bytes, MessageFormat.detect(bytes)).message();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static SharedDiagnosis diagnosis() {
        return (SharedDiagnosis) sample("shared-diagnosis.xml");
    }

    /** Writes and reads back: the schema and every message rule must still hold. */
    private static LiaisonMessage revalidated(LiaisonMessage message) {
        return CODEC.read(CODEC.toXml(message), MessageFormat.XML).message();
    }

    /** Removes every category and every detail: the harshest rule possible. */
    private static Minimiser removingEverything() {
        Map<ParticipantKind, MinimisationRule> rules = new EnumMap<>(ParticipantKind.class);
        for (ParticipantKind kind : ParticipantKind.values()) {
            rules.put(kind, new MinimisationRule(EnumSet.allOf(DataCategory.class), true));
        }
        return new Minimiser(rules);
    }

    @Test
    void franceTravailRecipientLosesHealthDetailAndBarrierDetails() {
        SharedDiagnosis d = (SharedDiagnosis) minimiser.minimise(diagnosis(), ParticipantKind.FRANCE_TRAVAIL);

        assertThat(d.getHealthDetail()).isNull();
        assertThat(d.getBarriers()).extracting(DiagnosedBarrier::getDetail).containsOnlyNulls();
        // What France Travail's advisors work with stays.
        assertThat(d.getBarriers()).extracting(DiagnosedBarrier::getCategory)
                .containsExactly(BarrierCategory.MOBILITE, BarrierCategory.LOGEMENT, BarrierCategory.SANTE);
        DiagnosedBarrier sante = d.getBarriers().get(2);
        assertThat(sante.getImpact()).isNotNull();
        assertThat(sante.getSituations()).isNotEmpty();
        assertThat(d.getBarriers().get(0).getObjectives()).isNotEmpty();
        assertThat(d.getEmploymentSituation()).isNotNull();
        assertThat(d.getHeader().getDataCategories()).containsExactly(DataCategory.EMPLOYMENT_SITUATION,
                DataCategory.BARRIER_MOBILITE, DataCategory.BARRIER_SANTE, DataCategory.BARRIER_LOGEMENT);

        String xml = new String(CODEC.toXml(revalidated(d)), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(xml).doesNotContain("Lombalgie", "kinésithérapie", "HEALTH_DETAIL");
    }

    /** The receiving node's check: what minimise would take out, told without changing the message. */
    @Test
    void exceedsSaysWhetherMinimisingWouldTakeAnythingOut() {
        for (ParticipantKind kind : ParticipantKind.values()) {
            SharedDiagnosis d = diagnosis();
            String before = new String(CODEC.toXml(d), java.nio.charset.StandardCharsets.UTF_8);
            boolean exceeds = minimiser.exceeds(d, kind);

            assertThat(new String(CODEC.toXml(d), java.nio.charset.StandardCharsets.UTF_8)).as("unchanged").isEqualTo(before);
            String minimised = new String(CODEC.toXml(minimiser.minimise(d, kind)), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(exceeds).as(kind.name()).isEqualTo(!minimised.equals(before));
            assertThat(minimiser.exceeds(d, kind)).as(kind + ", once minimised").isFalse();
        }
        assertThat(minimiser.exceeds(diagnosis(), ParticipantKind.FRANCE_TRAVAIL)).isTrue();
        assertThat(minimiser.exceeds(diagnosis(), ParticipantKind.DEPARTEMENT)).isFalse();
        assertThat(removingEverything().exceeds(sample("referral.xml"), ParticipantKind.CCAS)).isTrue();
    }

    @Test
    void departementKeepsEverything() {
        SharedDiagnosis original = diagnosis();
        SharedDiagnosis d = (SharedDiagnosis) minimiser.minimise(diagnosis(), ParticipantKind.DEPARTEMENT);

        assertThat(d.getHealthDetail()).isEqualTo(original.getHealthDetail());
        assertThat(d.getBarriers()).extracting(DiagnosedBarrier::getDetail)
                .containsExactlyElementsOf(original.getBarriers().stream().map(DiagnosedBarrier::getDetail).toList());
        assertThat(d.getHeader().getDataCategories()).containsExactlyInAnyOrderElementsOf(original.getHeader().getDataCategories());
        assertThat(revalidated(d)).isNotNull();
    }

    @Test
    void ccasRecipientLosesHealthDetailButKeepsBarrierDetails() {
        SharedDiagnosis d = (SharedDiagnosis) minimiser.minimise(diagnosis(), ParticipantKind.CCAS);

        assertThat(d.getHealthDetail()).isNull();
        assertThat(d.getBarriers().get(2).getDetail()).isNotNull();
        assertThat(d.getHeader().getDataCategories()).doesNotContain(DataCategory.HEALTH_DETAIL).contains(DataCategory.BARRIER_SANTE);
        assertThat(revalidated(d)).isNotNull();
    }

    @Test
    void removingABarrierCategoryRemovesThatBarrierAndItsDeclaration() {
        Minimiser noHealth = new Minimiser(Map.of(
                ParticipantKind.FRANCE_TRAVAIL, MinimisationRule.NOTHING,
                ParticipantKind.DEPARTEMENT, new MinimisationRule(Set.of(DataCategory.BARRIER_SANTE, DataCategory.HEALTH_DETAIL,
                        DataCategory.EMPLOYMENT_SITUATION), false),
                ParticipantKind.CCAS, MinimisationRule.NOTHING));
        SharedDiagnosis d = (SharedDiagnosis) noHealth.minimise(diagnosis(), ParticipantKind.DEPARTEMENT);

        assertThat(d.getBarriers()).extracting(DiagnosedBarrier::getCategory)
                .containsExactly(BarrierCategory.MOBILITE, BarrierCategory.LOGEMENT);
        assertThat(d.getEmploymentSituation()).isNull();
        assertThat(d.getHeader().getDataCategories()).containsExactly(DataCategory.BARRIER_MOBILITE, DataCategory.BARRIER_LOGEMENT);
        assertThat(revalidated(d)).isNotNull();
    }

    @Test
    void removingEveryCategoryLeavesAValidMessageWithoutDeclaredCategories() {
        SharedDiagnosis d = (SharedDiagnosis) removingEverything().minimise(diagnosis(), ParticipantKind.CCAS);

        assertThat(d.getBarriers()).isNull();
        assertThat(d.getHeader().getDataCategories()).isNull();
        assertThat(revalidated(d)).isNotNull();
    }

    @Test
    void neverRemovesTheIdentityOfAReferral() {
        Referral r = (Referral) removingEverything().minimise(sample("referral.xml"), ParticipantKind.FRANCE_TRAVAIL);

        assertThat(r.getPerson().getLastName()).isNotNull();
        assertThat(r.getBarriers()).isNull();
        assertThat(r.getHeader().getDataCategories()).containsExactly(DataCategory.IDENTITY);
        assertThat(revalidated(r)).isNotNull();
    }

    @Test
    void returnsTheSameObject() {
        SharedDiagnosis d = diagnosis();
        assertThat(minimiser.minimise(d, ParticipantKind.FRANCE_TRAVAIL)).isSameAs(d);
    }

    @Test
    void refusesRulesThatForgetAKind() {
        assertThatThrownBy(() -> new Minimiser(Map.of(ParticipantKind.DEPARTEMENT, MinimisationRule.NOTHING)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("FRANCE_TRAVAIL");
    }

    @Test
    void ruleCopiesItsCategories() {
        Set<DataCategory> categories = EnumSet.of(DataCategory.HEALTH_DETAIL);
        MinimisationRule rule = new MinimisationRule(categories, false);
        categories.add(DataCategory.IDENTITY);
        assertThat(rule.removedCategories()).containsExactly(DataCategory.HEALTH_DETAIL);
        assertThat(new MinimisationRule(null, false).removedCategories()).isEmpty();
    }

    static Stream<Arguments> everySampleForEveryKind() throws IOException {
        List<String> names = new ArrayList<>();
        try (Stream<Path> files = Files.list(DevNetwork.samples().resolve("v1/valid"))) {
            files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".xml") || n.endsWith(".json")).sorted()
                    .forEach(names::add);
        }
        assertThat(names).hasSizeGreaterThanOrEqualTo(14);
        List<Arguments> arguments = new ArrayList<>();
        for (String name : names) {
            for (ParticipantKind kind : ParticipantKind.values()) {
                arguments.add(Arguments.of(name, kind));
            }
        }
        return arguments.stream();
    }

    @ParameterizedTest(name = "{0} for {1}")
    @MethodSource("everySampleForEveryKind")
    void everySampleStillValidatesAfterMinimisation(String sample, ParticipantKind kind) {
        assertThatCode(() -> revalidated(minimiser.minimise(sample(sample), kind))).doesNotThrowAnyException();
        assertThatCode(() -> revalidated(removingEverything().minimise(sample(sample), kind))).doesNotThrowAnyException();
    }
}
