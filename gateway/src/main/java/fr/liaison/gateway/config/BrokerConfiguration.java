package fr.liaison.gateway.config;

import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.springframework.boot.artemis.autoconfigure.ArtemisConfigurationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The embedded broker's settings for the node's queues. A queue entry whose route failed in an
 * unforeseen way (the database away, a defect) is handed out again after a growing delay, never
 * dropped: Artemis's defaults would retry ten times at once and then discard it. How full the disk
 * may get before the broker takes no more entries: {@link BrokerProperties}, and {@link BrokerDisk}
 * for what the node does then.
 */
@Configuration(proxyBeanMethods = false)
class BrokerConfiguration {

    @Bean
    ArtemisConfigurationCustomizer liaisonQueueSettings(BrokerProperties broker) {
        return configuration -> configuration.addAddressSetting("liaison.#", new AddressSettings()
                .setRedeliveryDelay(1_000)
                .setRedeliveryMultiplier(2.0)
                .setMaxRedeliveryDelay(60_000)
                .setMaxDeliveryAttempts(-1))
                .setMaxDiskUsage(broker.maxDiskUsage())
                .setDiskScanPeriod(Math.toIntExact(broker.diskScanPeriod().toMillis()));
    }
}
