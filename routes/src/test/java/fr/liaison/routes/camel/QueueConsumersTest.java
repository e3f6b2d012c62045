package fr.liaison.routes.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Properties;

import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/** The consumer count is added to a queue's URI unless the URI names its own. */
class QueueConsumersTest {

    @Test
    void addsTheCountToAUriWithoutOptions() {
        assertThat(QueueConsumers.withConsumers("jms:queue:liaison.outbound", 8)).isEqualTo("jms:queue:liaison.outbound?concurrentConsumers=8");
    }

    @Test
    void addsTheCountAfterOtherOptions() {
        assertThat(QueueConsumers.withConsumers("seda:outbound?pollTimeout=50", 3)).isEqualTo("seda:outbound?pollTimeout=50&concurrentConsumers=3");
    }

    @Test
    void keepsTheUrisOwnCount() {
        assertThat(QueueConsumers.withConsumers("jms:queue:q?concurrentConsumers=2", 8)).isEqualTo("jms:queue:q?concurrentConsumers=2");
        assertThat(QueueConsumers.withConsumers("jms:queue:q?x=1&concurrentConsumers=2", 8)).isEqualTo("jms:queue:q?x=1&concurrentConsumers=2");
    }

    @Test
    void anotherOptionEndingTheSameWayIsNotTheCount() {
        assertThat(QueueConsumers.withConsumers("jms:queue:q?maxConcurrentConsumers=16", 8))
                .isEqualTo("jms:queue:q?maxConcurrentConsumers=16&concurrentConsumers=8");
    }

    @Test
    void resolvesPlaceholdersAndRefusesNoConsumer() throws Exception {
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            Properties properties = new Properties();
            properties.setProperty("queue", "jms:queue:liaison.inbound");
            camel.getPropertiesComponent().setInitialProperties(properties);
            assertThat(QueueConsumers.endpoint(camel, "{{queue}}", 2)).isEqualTo("jms:queue:liaison.inbound?concurrentConsumers=2");
            assertThatThrownBy(() -> QueueConsumers.endpoint(camel, "{{queue}}", 0)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
