package fr.liaison.gateway.config;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the embedded broker, under {@code liaison.broker.*}.
 *
 * @param maxDiskUsage percentage of the disk holding the broker's data above which the broker takes
 *        no more queue entries (Artemis's {@code max-disk-usage}, 90 by default, as Artemis's). The
 *        node then refuses new messages with {@code GW-NODE-001}, where a send would otherwise wait
 *        for space without answering
 * @param diskScanPeriod how often the broker measures that disk
 */
@ConfigurationProperties("liaison.broker")
public record BrokerProperties(@DefaultValue("90") int maxDiskUsage, @DefaultValue("PT5S") Duration diskScanPeriod) {

    public BrokerProperties {
        if (maxDiskUsage < 0 || maxDiskUsage > 100) {
            throw new IllegalArgumentException("liaison.broker.max-disk-usage must be a percentage (0 to 100), not " + maxDiskUsage);
        }
        if (diskScanPeriod.isNegative() || diskScanPeriod.isZero()) {
            throw new IllegalArgumentException("liaison.broker.disk-scan-period must be positive");
        }
    }
}
