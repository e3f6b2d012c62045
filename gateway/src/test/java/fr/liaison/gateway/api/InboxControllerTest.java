package fr.liaison.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The form of an inbox message follows the Accept header's qualities, XML when nothing prefers JSON. */
class InboxControllerTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "application/json | true",
        "application/xml | false",
        "*/* | false",
        "application/* | false",
        "application/json;q=0.5, application/xml | false",
        "application/xml;q=0.5, application/json | true",
        "application/json;q=0 | false",
        "text/xml;q=0.4, application/json;q=0.6 | true",
        "application/json;q=0.5, */* | false",
        "application/json, */*;q=0.1 | true",
        "not a media type | false",
    })
    void jsonOnlyWhenPreferredToXml(String accept, boolean json) {
        assertThat(InboxController.prefersJson(accept)).as(accept).isEqualTo(json);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "application/xml | application/xml",
        "text/xml | text/xml",
        "*/* | application/xml",
        "text/xml, application/xml;q=0.5 | text/xml",
    })
    void xmlAsTheClientNamesIt(String accept, String type) {
        assertThat(InboxController.xmlType(accept)).hasToString(type);
    }
}
