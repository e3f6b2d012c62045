package fr.liaison.routes.keys;

import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;

/**
 * Loads a participant's {@link ParticipantKeys}: from a directory of PEM files laid out like
 * {@code certs-dev/<ID>/} ({@code sign.key.pem}, {@code sign.crt.pem}, {@code encrypt.*},
 * {@code tls.*}), or from a PKCS#12 keystore holding the entries {@code sign}, {@code encrypt}
 * and {@code tls}.
 *
 * <p>Other key generations, kept around a rollover: in a PEM directory, each subdirectory
 * {@code next}, {@code previous} or {@code previous-<anything>} holding {@code encrypt.key.pem} and
 * {@code encrypt.crt.pem} (and {@code sign.crt.pem}, to verify what that generation signed); in a
 * keystore, each entry {@code encrypt-<name>} (and certificate entry {@code sign-<name>}).
 */
public final class KeyMaterial {

    private KeyMaterial() {
    }

    /** Development keys: {@code <certsDev>/<ID>/} or, for test identities, {@code <certsDev>/test/<ID>/}. */
    public static ParticipantKeys fromCertsDev(Path certsDev, String participantId) {
        Path dir = certsDev.resolve(participantId);
        if (!Files.isDirectory(dir)) {
            dir = certsDev.resolve("test").resolve(participantId);
        }
        if (!Files.isDirectory(dir)) {
            throw new LiaisonException(ErrorCode.KEYS_UNAVAILABLE, "no development keys for " + participantId + " under " + certsDev);
        }
        return fromPemDirectory(dir, participantId);
    }

    public static ParticipantKeys fromPemDirectory(Path dir, String participantId) {
        Path tlsKey = dir.resolve("tls.key.pem");
        boolean hasTls = Files.exists(tlsKey);
        return paired(new ParticipantKeys(participantId,
                Pem.privateKey(dir.resolve("sign.key.pem")), Pem.certificate(dir.resolve("sign.crt.pem")),
                Pem.privateKey(dir.resolve("encrypt.key.pem")), Pem.certificate(dir.resolve("encrypt.crt.pem")),
                hasTls ? Pem.privateKey(tlsKey) : null,
                hasTls ? Pem.certificate(dir.resolve("tls.crt.pem")) : null,
                otherGenerations(dir)), dir);
    }

    /**
     * Each private key is the key of the certificate beside it, checked once when they are loaded:
     * a key swapped for another would otherwise let the node start, and then every envelope sealed
     * for it would be refused as altered, every signature as invalid.
     */
    private static ParticipantKeys paired(ParticipantKeys keys, Object source) {
        requirePair("signing", keys.signingKey(), keys.signingCertificate(), source);
        requirePair("encryption", keys.encryptionKey(), keys.encryptionCertificate(), source);
        if (keys.tlsKey() != null && keys.tlsCertificate() != null) {
            requirePair("TLS", keys.tlsKey(), keys.tlsCertificate(), source);
        }
        for (ParticipantKeys.KeyGeneration generation : keys.otherGenerations()) {
            requirePair("encryption (" + generation.name() + ")", generation.encryptionKey(), generation.encryptionCertificate(), source);
        }
        return keys;
    }

    private static void requirePair(String use, PrivateKey key, X509Certificate certificate, Object source) {
        String algorithm = switch (key.getAlgorithm()) {
            case "EC", "ECDSA", "ECDH" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            default -> null; // another kind of key: refused where it is used
        };
        if (algorithm == null) {
            return;
        }
        boolean paired;
        try {
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            Signature signer = Signature.getInstance(algorithm, Providers.bouncyCastle());
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm, Providers.bouncyCastle());
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(challenge);
            paired = verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            paired = false;
        }
        if (!paired) {
            throw new LiaisonException(ErrorCode.KEYS_UNAVAILABLE, "the " + use + " private key of " + source
                    + " is not the key of its certificate (" + certificate.getSubjectX500Principal().getName() + ")");
        }
    }

    private static List<ParticipantKeys.KeyGeneration> otherGenerations(Path dir) {
        List<ParticipantKeys.KeyGeneration> generations = new ArrayList<>();
        try (Stream<Path> children = Files.list(dir)) {
            for (Path child : children.sorted().toList()) {
                String name = child.getFileName().toString();
                boolean generation = name.equals("next") || name.equals("previous") || name.startsWith("previous-");
                if (!generation || !Files.isDirectory(child) || !Files.exists(child.resolve("encrypt.key.pem"))) {
                    continue;
                }
                Path signing = child.resolve("sign.crt.pem");
                generations.add(new ParticipantKeys.KeyGeneration(name,
                        Files.exists(signing) ? Pem.certificate(signing) : null,
                        Pem.privateKey(child.resolve("encrypt.key.pem")), Pem.certificate(child.resolve("encrypt.crt.pem"))));
            }
        } catch (IOException e) {
            throw new LiaisonException(ErrorCode.KEYS_UNAVAILABLE, "cannot list " + dir, e);
        }
        return generations;
    }

    public static ParticipantKeys fromPkcs12(Path keystore, char[] password, String participantId) {
        try (InputStream in = Files.newInputStream(keystore)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
            return paired(new ParticipantKeys(participantId,
                    key(store, "sign", password), cert(store, "sign"),
                    key(store, "encrypt", password), cert(store, "encrypt"),
                    store.containsAlias("tls") ? key(store, "tls", password) : null,
                    store.containsAlias("tls") ? cert(store, "tls") : null,
                    otherGenerations(store, password)), "keystore " + keystore.getFileName());
        } catch (IOException | GeneralSecurityException e) {
            throw new LiaisonException(ErrorCode.KEYS_UNAVAILABLE, "cannot open keystore " + keystore.getFileName(), e);
        }
    }

    private static List<ParticipantKeys.KeyGeneration> otherGenerations(KeyStore store, char[] password)
            throws GeneralSecurityException {
        List<ParticipantKeys.KeyGeneration> generations = new ArrayList<>();
        for (String alias : Collections.list(store.aliases()).stream().sorted().toList()) {
            if (!alias.startsWith("encrypt-")) {
                continue;
            }
            String name = alias.substring("encrypt-".length());
            String signing = "sign-" + name;
            generations.add(new ParticipantKeys.KeyGeneration(name,
                    store.containsAlias(signing) ? cert(store, signing) : null, key(store, alias, password), cert(store, alias)));
        }
        return generations;
    }

    private static PrivateKey key(KeyStore store, String alias, char[] password) throws GeneralSecurityException {
        if (!(store.getKey(alias, password) instanceof PrivateKey key)) {
            throw new LiaisonException(ErrorCode.KEYS_UNAVAILABLE, "keystore has no private key entry '" + alias + "'");
        }
        return key;
    }

    private static X509Certificate cert(KeyStore store, String alias) throws GeneralSecurityException {
        return (X509Certificate) store.getCertificate(alias);
    }
}
