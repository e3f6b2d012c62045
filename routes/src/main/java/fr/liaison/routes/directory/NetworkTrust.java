package fr.liaison.routes.directory;

import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;

import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertPathValidatorException.BasicReason;
import java.security.cert.CertStore;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;


/**
 * The network's trust: its CA and its CRLs. Validates a certificate with the JDK's PKIX validator
 * (chain to the CA, validity, revocation) and says why a certificate fails with a catalogued code.
 * Chain and revocation results are remembered per certificate, since the set of signers is small
 * and checking the CA signature on every message would double the cost of opening it; validity
 * dates are checked on every call.
 */
public final class NetworkTrust {

    private static final int MAX_REMEMBERED = 10_000;

    private final X509Certificate networkCa;
    private final List<X509CRL> crls;
    private final Clock clock;
    private final Map<String, ErrorCode> chainResults = new ConcurrentHashMap<>();

    public NetworkTrust(X509Certificate networkCa, Collection<X509CRL> crls, Clock clock) {
        this.networkCa = Objects.requireNonNull(networkCa);
        this.crls = List.copyOf(crls);
        this.clock = Objects.requireNonNull(clock);
    }

    public X509Certificate networkCa() {
        return networkCa;
    }

    public List<X509CRL> crls() {
        return crls;
    }

    /**
     * Checks that the certificate chains to the network CA, is valid now and is not revoked.
     *
     * @throws LiaisonException SIGNER_UNTRUSTED, SIGNER_EXPIRED or SIGNER_REVOKED
     */
    public void check(X509Certificate certificate) {
        try {
            certificate.checkValidity(Date.from(clock.instant()));
        } catch (CertificateExpiredException | CertificateNotYetValidException e) {
            throw new LiaisonException(ErrorCode.SIGNER_EXPIRED,
                    "valid " + certificate.getNotBefore().toInstant() + " to " + certificate.getNotAfter().toInstant());
        }
        String key = fingerprint(certificate);
        ErrorCode result = chainResults.get(key);
        if (result == null) {
            result = validateChain(certificate);
            if (chainResults.size() < MAX_REMEMBERED) {
                chainResults.put(key, result);
            }
        }
        if (result != null && result != NO_ERROR_MARKER) {
            throw new LiaisonException(result, certificate.getSubjectX500Principal().getName());
        }
    }

    // ConcurrentHashMap holds no nulls: a marker for "valid".
    private static final ErrorCode NO_ERROR_MARKER = ErrorCode.IO_FAILED;

    private ErrorCode validateChain(X509Certificate certificate) {
        try {
            var path = CertificateFactory.getInstance("X.509").generateCertPath(List.of(certificate));
            PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(networkCa, null)));
            params.setDate(Date.from(clock.instant()));
            List<Object> storeContent = new ArrayList<>(crls);
            params.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(storeContent)));
            params.setRevocationEnabled(true);
            CertPathValidator.getInstance("PKIX").validate(path, params);
            // The JDK's PKIX checker honours only the first complete CRL it finds for an issuer (RFC 5280
            // 6.3.3, reasons mask) and takes them in no fixed order: with several CRLs of the network CA in
            // the directory, one of them would be ignored at random. Every one of them counts.
            for (X509CRL crl : crls) {
                if (crl.isRevoked(certificate) && issuedByNetworkCa(crl)) {
                    return ErrorCode.SIGNER_REVOKED;
                }
            }
            return NO_ERROR_MARKER;
        } catch (CertPathValidatorException e) {
            if (e.getReason() == BasicReason.REVOKED) {
                return ErrorCode.SIGNER_REVOKED;
            }
            if (e.getReason() == BasicReason.EXPIRED || e.getReason() == BasicReason.NOT_YET_VALID) {
                return ErrorCode.SIGNER_EXPIRED;
            }
            return ErrorCode.SIGNER_UNTRUSTED;
        } catch (GeneralSecurityException e) {
            return ErrorCode.SIGNER_UNTRUSTED;
        }
    }

    private boolean issuedByNetworkCa(X509CRL crl) {
        if (!crl.getIssuerX500Principal().equals(networkCa.getSubjectX500Principal())) {
            return false;
        }
        try {
            crl.verify(networkCa.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    static String fingerprint(X509Certificate certificate) {
        return fr.liaison.routes.keys.Fingerprints.sha256(certificate);
    }
}
