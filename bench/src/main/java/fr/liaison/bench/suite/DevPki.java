package fr.liaison.bench.suite;

import fr.liaison.routes.keys.Pem;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.spec.PKCS8EncodedKeySpec;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** Development identities of certs-dev as JDK key stores and TLS contexts (the JDK's own key objects, as a user would load them). */
final class DevPki {

    static final char[] PASSWORD = "bench".toCharArray();

    private final Path certsDev;

    DevPki(Path certsDev) {
        this.certsDev = certsDev;
    }

    Path certsDev() {
        return certsDev;
    }

    Path identity(String participantId) {
        return certsDev.resolve(participantId);
    }

    /** One private key entry (e.g. "sign" or "encrypt") of a participant, with its certificate. */
    KeyStore keyEntry(String participantId, String use) throws GeneralSecurityException, java.io.IOException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, PASSWORD);
        store.setKeyEntry(use, jdkKey(identity(participantId).resolve(use + ".key.pem")), PASSWORD,
                new Certificate[] {Pem.certificate(identity(participantId).resolve(use + ".crt.pem"))});
        return store;
    }

    /** Trusted certificates: the network CA and, under their aliases, the given certificate files. */
    KeyStore trust(String... aliasAndFile) throws GeneralSecurityException, java.io.IOException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, PASSWORD);
        store.setCertificateEntry("network-ca", Pem.certificate(certsDev.resolve("network-ca.crt.pem")));
        for (int i = 0; i + 1 < aliasAndFile.length; i += 2) {
            store.setCertificateEntry(aliasAndFile[i], Pem.certificate(certsDev.resolve(aliasAndFile[i + 1])));
        }
        return store;
    }

    /** Mutual TLS as the nodes do it: the participant's TLS identity, trusting the network CA only. */
    SSLContext tls(String participantId) throws GeneralSecurityException, java.io.IOException {
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(keyEntry(participantId, "tls"), PASSWORD);
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trust());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
        return context;
    }

    private static PrivateKey jdkKey(Path pem) throws GeneralSecurityException {
        return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Pem.privateKey(pem).getEncoded()));
    }

    static boolean exists(Path file) {
        return Files.isRegularFile(file);
    }
}
