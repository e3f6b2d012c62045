package fr.liaison.routes.audit;

import static org.assertj.core.api.Assertions.assertThat;

import fr.liaison.routes.testing.DevNetwork;
import fr.liaison.schemas.MessageCodec;
import fr.liaison.schemas.MessageFormat;
import fr.liaison.schemas.v1.LiaisonMessage;

import java.nio.file.Files;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PersonsTest {

    static LiaisonMessage sample(String name) throws Exception {
        byte[] bytes = Files.readAllBytes(DevNetwork.samples().resolve("v1/valid").resolve(name));
        return MessageCodec.v1().read(bytes, MessageFormat.detect(bytes)).message();
    }

    @ParameterizedTest
    @CsvSource({
        "referral.xml, 0451827K",
        "referral.json, 0451827K",
        "referral-response.xml, 0451827K",
        "shared-diagnosis.xml, 0451827K",
        "follow-up-event.xml, 0451827K",
        "follow-up-event-reorientation.xml, 0612345X001",
        "consent.xml, 0451827K",
    })
    void findsThePersonOfEveryMessageAboutSomeone(String sample, String franceTravailId) throws Exception {
        assertThat(Persons.franceTravailId(sample(sample))).contains(franceTravailId);
    }

    @ParameterizedTest
    @CsvSource({"consent-revocation.xml", "resource-directory-entry.xml"})
    void findsNobodyInMessagesAboutNoPerson(String sample) throws Exception {
        assertThat(Persons.franceTravailId(sample(sample))).isEmpty();
    }
}
