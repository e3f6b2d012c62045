package fr.liaison.gateway.api;

import fr.liaison.gateway.config.LiaisonProperties;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
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

    /**
     * The client named by an {@code Authorization: Basic} header, as many SOAP toolkits send it: the
     * client's name and its token, as in a UsernameToken. Empty for any other header.
     */
    public Optional<String> fromBasic(String header) {
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return Optional.empty();
        }
        String name = decoded.substring(0, colon);
        return authenticate(decoded.substring(colon + 1))
                .filter(client -> MessageDigest.isEqual(client.getBytes(StandardCharsets.UTF_8), name.getBytes(StandardCharsets.UTF_8)));
    }

    /** The client named by an {@code Authorization: Bearer} header; empty for any other header. */
    public Optional<String> fromBearer(String header) {
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        return authenticate(header.substring(7).strip());
    }

    private static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
