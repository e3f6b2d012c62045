package fr.liaison.gateway.ops;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Operations settings, under {@code liaison.ops.*}.
 *
 * @param certificateWarning a WARN line is logged for every certificate of this node (signing,
 *        encryption, TLS) and the network CA that expires within this period
 * @param certificateCheckInterval how often certificates are checked again after startup
 * @param messageCountsMaxAge longest time the message counts exposed as metrics may be cached
 */
@ConfigurationProperties("liaison.ops")
public record OpsProperties(@DefaultValue("P30D") Duration certificateWarning, @DefaultValue("PT12H") Duration certificateCheckInterval,
        @DefaultValue("PT5S") Duration messageCountsMaxAge) {
}
