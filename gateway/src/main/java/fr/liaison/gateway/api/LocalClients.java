package fr.liaison.gateway.api;

import fr.liaison.gateway.config.LiaisonProperties;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.springframework.stereotype.Component;

/**
 * The credentials of the institution's software. Only SHA-256 digests of the tokens are kept,
 * and a presented token is compared in constant time.
 */
@Component
public class LocalClients {

    private final Map<String, byte[]> digestsByName = new LinkedHashMap<>();

    LocalClients(LiaisonProperties properties) {
        if (properties.localClients() != null) {
            for (LiaisonProperties.LocalClient client : properties.localClients()) {
                String token = client.token();
                if (token == null && client.tokenFile() != null) {
                    try {
                        token = Files.readString(client.tokenFile(), StandardCharsets.UTF_8).strip();
                    } catch (IOException e) {
                        throw new UncheckedIOException("local client token " + client.tokenFile(), e);
                    }
                }
                if (token == null || token.length() < 32) {
                    throw new IllegalStateException("local client " + client.name() + ": a token of at least 32 characters is required");
                }
                digestsByName.put(client.name(), sha256(token));
            }
        }
    }

    /** The name of the client this bearer token belongs to (also used by the SOAP service). */
    public Optional<String> authenticate(String token) {
        byte[] presented = sha256(token);
        String match = null;
        for (Map.Entry<String, byte[]> entry : digestsByName.entrySet()) {
            if (MessageDigest.isEqual(entry.getValue(), presented)) {
                match = entry.getKey();
            }
        }
        return Optional.ofNullable(match);
    }

    private static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
