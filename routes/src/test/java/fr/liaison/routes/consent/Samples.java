package fr.liaison.routes.consent;

import fr.liaison.routes.audit.Pseudonymiser;
import fr.liaison.routes.testing.DevNetwork;
import fr.liaison.schemas.MessageCodec;
import fr.liaison.schemas.MessageFormat;
import fr.liaison.schemas.ValidatedMessage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Arrays;

/** The v1 samples and a test pseudonymiser. */
final class Samples {

    static final MessageCodec CODEC = MessageCodec.v1();
    static final Pseudonymiser PSEUDONYMISER = new Pseudonymiser(fill(32, 3));
    static final String CONSENT_ID = "7c9e6679-7425-40de-944b-e07fc1f90ae7";
    static final String PERSON = "0451827K";

    private Samples() {
    }

    static ValidatedMessage read(String name) {
        try {
            return CODEC.read(Files.readAllBytes(DevNetwork.samples().resolve("v1/valid").resolve(name)), MessageFormat.XML);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] fill(int length, int value) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }
}
