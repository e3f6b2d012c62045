package fr.liaison.routes.envelope;

import java.io.IOException;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.bouncycastle.asn1.cms.GCMParameters;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.operator.GenericKey;
import org.bouncycastle.operator.OutputAEADEncryptor;
import org.bouncycastle.operator.jcajce.JceGenericKey;

/**
 * AES-256-GCM through the JDK's SunJCE under Bouncy Castle's CMS generator: SunJCE is markedly
 * faster than BC's GCM on large payloads. SunJCE appends the tag to the ciphertext; CMS keeps it
 * in its own field, so the last 16 bytes are split off as the MAC. One instance seals one message.
 */
final class JdkGcmEncryptor implements OutputAEADEncryptor {

    private final SecretKey key;
    private final AlgorithmIdentifier algorithm;
    private final Cipher cipher;
    private byte[] mac;

    JdkGcmEncryptor(SecureRandom random) {
        byte[] keyBytes = new byte[32];
        byte[] nonce = new byte[AlgorithmPolicy.GCM_NONCE_BYTES];
        random.nextBytes(keyBytes);
        random.nextBytes(nonce);
        this.key = new SecretKeySpec(keyBytes, "AES");
        this.algorithm = new AlgorithmIdentifier(AlgorithmPolicy.CONTENT_ENCRYPTION,
                new GCMParameters(nonce, AlgorithmPolicy.GCM_TAG_BYTES));
        try {
            this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(AlgorithmPolicy.GCM_TAG_BYTES * 8, nonce));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is part of every JDK", e);
        }
    }

    @Override
    public AlgorithmIdentifier getAlgorithmIdentifier() {
        return algorithm;
    }

    @Override
    public GenericKey getKey() {
        return new JceGenericKey(algorithm, key);
    }

    @Override
    public OutputStream getOutputStream(OutputStream out) {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                byte[] encrypted = cipher.update(b, off, len);
                if (encrypted != null) {
                    out.write(encrypted);
                }
            }

            @Override
            public void close() throws IOException {
                finish(out);
            }
        };
    }

    @Override
    public OutputStream getAADStream() {
        return new OutputStream() {
            @Override
            public void write(int b) {
                cipher.updateAAD(new byte[] {(byte) b});
            }

            @Override
            public void write(byte[] b, int off, int len) {
                cipher.updateAAD(b, off, len);
            }
        };
    }

    @Override
    public byte[] getMAC() {
        return mac.clone();
    }

    private void finish(OutputStream out) throws IOException {
        if (mac != null) {
            return;
        }
        try {
            byte[] last = cipher.doFinal();
            int tagStart = last.length - AlgorithmPolicy.GCM_TAG_BYTES;
            out.write(last, 0, tagStart);
            mac = Arrays.copyOfRange(last, tagStart, last.length);
        } catch (GeneralSecurityException e) {
            throw new IOException("AES-GCM encryption failed", e);
        }
    }
}
