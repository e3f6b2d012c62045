package fr.liaison.schemas;

import static fr.liaison.schemas.v1.DataCategory.BARRIER_LOGEMENT;
import static fr.liaison.schemas.v1.DataCategory.BARRIER_MOBILITE;
import static fr.liaison.schemas.v1.DataCategory.BARRIER_SANTE;
import static fr.liaison.schemas.v1.DataCategory.EMPLOYMENT_SITUATION;
import static fr.liaison.schemas.v1.DataCategory.HEALTH_DETAIL;
import static fr.liaison.schemas.v1.DataCategory.IDENTITY;
import static org.assertj.core.api.Assertions.assertThat;

import fr.liaison.schemas.v1.BarrierCategory;
import fr.liaison.schemas.v1.DataCategory;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class DataCategoriesTest {

    private final MessageCodec codec = MessageCodec.v1();

    @ParameterizedTest
    @CsvSource({
        "referral.xml", "referral.json", "referral-response.xml", "shared-diagnosis.xml", "shared-diagnosis.json",
        "follow-up-event.xml", "follow-up-event-reorientation.xml", "consent.xml", "consent-revocation.xml",
        "resource-directory-entry.xml"
    })
    void categoriesOfEachSampleAreWhatItsBodyContains(String name) {
        Set<DataCategory> expected = switch (name.substring(0, name.lastIndexOf('.'))) {
            case "referral" -> Set.of(IDENTITY, BARRIER_MOBILITE, BARRIER_LOGEMENT);
            case "shared-diagnosis" -> Set.of(EMPLOYMENT_SITUATION, BARRIER_MOBILITE, BARRIER_LOGEMENT, BARRIER_SANTE, HEALTH_DETAIL);
            case "follow-up-event" -> Set.of(EMPLOYMENT_SITUATION);
            default -> Set.of();
        };

        ValidatedMessage message = codec.read(Samples.valid(name), Samples.formatOf(name));

        assertThat(DataCategories.of(message.message())).containsExactlyInAnyOrderElementsOf(expected);
    }

    @ParameterizedTest
    @EnumSource(BarrierCategory.class)
    void everyBarrierCategoryHasItsDataCategory(BarrierCategory barrier) {
        assertThat(DataCategories.of(barrier).value()).isEqualTo("BARRIER_" + barrier.value());
    }
}
