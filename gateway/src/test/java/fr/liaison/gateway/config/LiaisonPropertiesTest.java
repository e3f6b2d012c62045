package fr.liaison.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** Values a node cannot run on are refused when bound, naming the property, instead of failing every request later. */
class LiaisonPropertiesTest {

    private static LiaisonProperties bind(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties)).bindOrCreate("liaison", LiaisonProperties.class);
    }

    @Test
    void theDefaultsBind() {
        LiaisonProperties properties = bind(Map.of("liaison.participant-id", "FT-29"));

        assertThat(properties.maxEnvelopeBytes()).isEqualTo(16 << 20);
        assertThat(properties.audit().batchSize()).isEqualTo(256);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "liaison.max-envelope-bytes|-1",
        "liaison.local-api.max-body-bytes|-5",
        "liaison.local-api.port|70000",
        "liaison.replay-window|-PT5M",
        "liaison.audit.batch-size|0",
        "liaison.audit.checkpoint-every|0",
        "liaison.retry.initial-delay|PT0S",
        "liaison.webhook.url|htp:/bad",
        "liaison.max-envelope-bytes|2147483647",
        "liaison.retry.peer-attempts|0",
        "liaison.retry.initial-delay|PT1H",
    })
    void aValueTheNodeCannotRunOnIsRefusedNamingItsProperty(String property, String value) {
        assertThatThrownBy(() -> bind(Map.of("liaison.participant-id", "FT-29", property, value)))
                .rootCause().isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(property + " must be");
    }
}
