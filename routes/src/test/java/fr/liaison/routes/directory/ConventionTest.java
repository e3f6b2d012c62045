package fr.liaison.routes.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fr.liaison.routes.testing.DevNetwork;
import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;

import java.time.LocalDate;

import org.junit.jupiter.api.Test;

class ConventionTest {

    private final Directory directory = DevNetwork.directory();
    private final LocalDate today = LocalDate.of(2026, 11, 23);

    private ErrorCode refusal(String sender, String recipient, String type, String purpose, LocalDate day) {
        try {
            directory.convention(sender, recipient, type, purpose, day);
        } catch (LiaisonException e) {
            return e.code();
        }
        return null;
    }

    @Test
    void theSignedDirectoryCarriesTheDevelopmentConventions() {
        assertThat(directory.conventions()).extracting(Convention::id).contains("CONV-25-AG", "CONV-29-QUIMPER", "CONV-29-RS");
        assertThat(directory.convention("CCAS-29232", "FT-29", "REFERRAL", "ACCOMPAGNEMENT_GLOBAL", today).expiry().toDays())
                .isEqualTo(30);
    }

    @Test
    void coversBothWaysBetweenParties() {
        assertThat(refusal("FT-29", "CCAS-29232", "REFERRAL_RESPONSE", "ACCOMPAGNEMENT_GLOBAL", today)).isNull();
        assertThat(refusal("CD-25", "FT-25", "REFERRAL", "ACCOMPAGNEMENT_SOCIAL", today)).isNull();
    }

    @Test
    void refusesParticipantsWithoutAConvention() {
        assertThat(refusal("CCAS-29232", "CD-25", "REFERRAL", "ACCOMPAGNEMENT_GLOBAL", today)).isEqualTo(ErrorCode.CONVENTION_NONE);
        assertThat(refusal("FT-29", "FT-25", "REFERRAL", "ACCOMPAGNEMENT_GLOBAL", today)).isEqualTo(ErrorCode.CONVENTION_NONE);
    }

    @Test
    void refusesAMessageTypeOrPurposeTheConventionDoesNotName() {
        assertThat(refusal("FT-25", "CD-25", "REFERRAL", "RESSOURCES_SOCIALES", today)).isEqualTo(ErrorCode.CONVENTION_NONE);
        assertThat(refusal("FT-25", "CD-25", "RESOURCE_DIRECTORY_ENTRY", "RESSOURCES_SOCIALES", today))
                .isEqualTo(ErrorCode.CONVENTION_NONE);
    }

    @Test
    void aOneWayConventionLetsOnlyItsFirstPartySend() {
        assertThat(refusal("CD-29", "FT-29", "RESOURCE_DIRECTORY_ENTRY", "RESSOURCES_SOCIALES", today)).isNull();
        assertThat(refusal("CD-29", "CCAS-29232", "RESOURCE_DIRECTORY_ENTRY", "RESSOURCES_SOCIALES", today)).isNull();
        assertThat(refusal("FT-29", "CD-29", "RESOURCE_DIRECTORY_ENTRY", "RESSOURCES_SOCIALES", today))
                .isEqualTo(ErrorCode.CONVENTION_NONE);
    }

    @Test
    void refusesOutsideTheConventionsValidity() {
        assertThat(refusal("FT-25", "CD-25", "REFERRAL", "ACCOMPAGNEMENT_GLOBAL", LocalDate.of(2025, 12, 31)))
                .isEqualTo(ErrorCode.CONVENTION_NOT_IN_FORCE);
        assertThatThrownBy(() -> directory.convention("FT-25", "CD-25", "REFERRAL", "ACCOMPAGNEMENT_GLOBAL", LocalDate.of(2036, 1, 1)))
                .isInstanceOf(LiaisonException.class);
    }
}
