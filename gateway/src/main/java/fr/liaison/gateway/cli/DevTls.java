package fr.liaison.gateway.cli;

import fr.liaison.routes.keys.Pem;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** A TLS client context with a development participant's TLS identity, trusting the network CA. */
public final class DevTls {

    private DevTls() {
    }

    public static SSLContext clientContext(Path certsDev, String participantId) throws GeneralSecurityException, java.io.IOException {
        Path identity = Files.isDirectory(certsDev.resolve(participantId)) ? certsDev.resolve(participantId)
                : certsDev.resolve("test").resolve(participantId);
        char[] password = new char[0];
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, password);
        // As a JDK key object: SunJSSE signs the handshake with it.
        java.security.PrivateKey key = java.security.KeyFactory.getInstance("EC")
                .generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(Pem.privateKey(identity.resolve("tls.key.pem")).getEncoded()));
        keys.setKeyEntry("tls", key, password,
                new Certificate[] {Pem.certificate(identity.resolve("tls.crt.pem"))});
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, password);
        trust.setCertificateEntry("network-ca", Pem.certificate(certsDev.resolve("network-ca.crt.pem")));
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, password);
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
        return context;
    }
}
