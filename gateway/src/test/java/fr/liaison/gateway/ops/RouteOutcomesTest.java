package fr.liaison.gateway.ops;

import static org.assertj.core.api.Assertions.assertThat;

import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;

import java.util.List;

import org.junit.jupiter.api.Test;

class RouteOutcomesTest {

    /** A try that did not reach the recipient, with another scheduled, is counted and logged as retried, not refused. */
    @Test
    void aTryWithAnotherScheduledIsRetriedNotRefused() throws Exception {
        io.micrometer.core.instrument.simple.SimpleMeterRegistry registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        RouteOutcomes outcomes = new RouteOutcomes(registry);
        try (org.apache.camel.CamelContext camel = new org.apache.camel.impl.DefaultCamelContext()) {
            for (boolean scheduled : new boolean[] {true, false}) {
                org.apache.camel.Exchange exchange = new org.apache.camel.support.DefaultExchange(camel);
                exchange.getExchangeExtension().setFromRouteId("outbound-deliver");
                exchange.setProperty(org.apache.camel.Exchange.EXCEPTION_CAUGHT,
                        new LiaisonException(ErrorCode.EXCHANGE_PEER_UNREACHABLE, "connection refused"));
                if (scheduled) {
                    exchange.getMessage().setHeader(fr.liaison.routes.camel.ExchangeHeaders.SCHEDULED_DELIVERY, 1L);
                }
                outcomes.notify(new org.apache.camel.impl.event.ExchangeCompletedEvent(exchange));
            }
        }
        assertThat(registry.get("liaison.route.exchanges").tag("outcome", "retried").tag("code", "GW-EXCHANGE-007").counter().count())
                .isEqualTo(1.0);
        assertThat(registry.get("liaison.route.exchanges").tag("outcome", "refused").tag("code", "GW-EXCHANGE-007").counter().count())
                .isEqualTo(1.0);
    }

    @Test
    void theLogSaysWhereAndWhichRuleNeverWhatTheDetailsQuote() {
        LiaisonException schema = new LiaisonException(ErrorCode.SCHEMA_INVALID, List.of(
                "12:40 /Referral/person/birthDate: cvc-datatype-valid.1.2.1: not a valid value for 'date'",
                "/barriers/0/category: cvc-enumeration-valid: value not in the enumeration",
                "3:1 /{urn:evil&#10;INFO forged}Root: unknown root element",
                "consent 7c9e6679 does not cover HEALTH_DETAIL"), null);

        String where = RouteOutcomes.where(schema);

        assertThat(where).isEqualTo(" at /Referral/person/birthDate (cvc-datatype-valid.1.2.1), /barriers/0/category (cvc-enumeration-valid)");
        assertThat(RouteOutcomes.where(new LiaisonException(ErrorCode.CONSENT_CATEGORY_NOT_COVERED, "consent x does not cover HEALTH_DETAIL")))
                .isEmpty();
    }

    @Test
    void namesTheSchemaDoesNotDeclareAreNotLogged() {
        // The sender chose the element's name: it could hold a person's name or number.
        LiaisonException unknown = new LiaisonException(ErrorCode.SCHEMA_INVALID, List.of(
                "9:7 /Referral/person/Nom_Dupont_NIR_1870314123456: cvc-complex-type.2.4.a: Invalid content",
                "/Referral/barriers/barrier[2]/Dupont[3]: cvc-complex-type.2.4.a: Invalid content",
                "/SharedDiagnosis/healthDetail: cvc-maxLength-valid: too long"), null);

        assertThat(RouteOutcomes.where(unknown))
                .isEqualTo(" at /Referral/person/* (cvc-complex-type.2.4.a), /Referral/barriers/barrier[2]/*[3] (cvc-complex-type.2.4.a),"
                        + " /SharedDiagnosis/healthDetail (cvc-maxLength-valid)")
                .doesNotContain("Dupont").doesNotContain("187");
    }
}
