package fr.liaison.routes.camel;

import java.time.Duration;

/**
 * How delivery to a peer node is retried: {@code peerAttempts} tries in all, the delay doubling
 * from {@code initialDelay} up to {@code maximumDelay}, with jitter.
 */
public record RetryPolicy(int peerAttempts, Duration initialDelay, Duration maximumDelay) {

    public RetryPolicy {
        if (peerAttempts < 1) {
            throw new IllegalArgumentException("at least one attempt");
        }
    }
}
