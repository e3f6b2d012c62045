package fr.liaison.routes.keys;

import java.security.Provider;

import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * The crypto providers, passed explicitly rather than installed in the JVM-wide list: Bouncy
 * Castle for ECDSA and the CMS key agreement (faster than SunEC, and the X9.63 KDF exists only
 * there), the JDK's SunJCE for AES-GCM (faster on bulk data).
 */
public final class Providers {

    private static final Provider BOUNCY_CASTLE = new BouncyCastleProvider();

    private Providers() {
    }

    public static Provider bouncyCastle() {
        return BOUNCY_CASTLE;
    }
}
