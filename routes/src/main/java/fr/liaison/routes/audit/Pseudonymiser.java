package fr.liaison.routes.audit;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Objects;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Turns a France Travail identifier into a stable pseudonym: lowercase hex HMAC-SHA-256 under a
 * node secret. Keyed rather than a plain hash because identifiers are short and structured: a
 * plain SHA-256 of every possible identifier is cheap to tabulate. The clear identifier is never
 * kept. Thread-safe (a new {@link Mac} per call; it is cheap next to the rest of a request).
 */
public final class Pseudonymiser {

    static final String ALGORITHM = "HmacSHA256";
    static final int MIN_KEY_BYTES = 32;

    private final SecretKeySpec key;

    /** @param key the node's pseudonymisation secret, at least 32 bytes; copied */
    public Pseudonymiser(byte[] key) {
        Objects.requireNonNull(key, "key");
        if (key.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("pseudonymisation key must be at least " + MIN_KEY_BYTES + " bytes");
        }
        this.key = new SecretKeySpec(key, ALGORITHM);
    }

    /** The person's pseudonym: 64 lowercase hex characters. */
    public String personHash(String franceTravailId) {
        Objects.requireNonNull(franceTravailId, "franceTravailId");
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return HexFormat.of().formatHex(mac.doFinal(franceTravailId.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    @Override
    public String toString() {
        return "Pseudonymiser[HmacSHA256]";
    }
}
