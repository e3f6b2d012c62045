package fr.liaison.routes.directory;

import fr.liaison.routes.keys.Pem;
import fr.liaison.routes.keys.Providers;
import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.operator.OperatorCreationException;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the participant directory: a JSON document inside a CMS SignedData signed by the network
 * operator. The signature is checked against the operator certificate the node is configured with
 * (its trust anchor for the directory) before a byte of the JSON is believed.
 */
public final class SignedDirectory {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private SignedDirectory() {
    }

    public static Directory load(Path signedFile, X509Certificate operatorCertificate, X509Certificate networkCa, Clock clock) {
        try {
            return verify(Files.readAllBytes(signedFile), operatorCertificate, networkCa, clock);
        } catch (IOException e) {
            throw new LiaisonException(ErrorCode.DIRECTORY_MALFORMED, "cannot read " + signedFile, e);
        }
    }

    /** Development network: the signed directory and anchors in a {@code certs-dev} folder. */
    public static Directory loadCertsDev(Path certsDev, Clock clock) {
        return load(certsDev.resolve("directory.signed"), Pem.certificate(certsDev.resolve("network-operator.crt.pem")),
                Pem.certificate(certsDev.resolve("network-ca.crt.pem")), clock);
    }

    public static Directory verify(byte[] signed, X509Certificate operatorCertificate, X509Certificate networkCa, Clock clock) {
        byte[] json = verifiedContent(signed, operatorCertificate);
        return parse(json, networkCa, clock);
    }

    private static byte[] verifiedContent(byte[] signed, X509Certificate operatorCertificate) {
        try {
            CMSSignedData data = new CMSSignedData(signed);
            if (data.getSignedContent() == null || data.getSignerInfos().size() != 1) {
                throw new LiaisonException(ErrorCode.DIRECTORY_SIGNATURE_INVALID, "expected attached content and one signer");
            }
            SignerInformation signer = data.getSignerInfos().getSigners().iterator().next();
            if (!signer.getSID().match(new X509CertificateHolder(operatorCertificate.getEncoded()))) {
                throw new LiaisonException(ErrorCode.DIRECTORY_SIGNATURE_INVALID, "signer is not the network operator");
            }
            boolean valid = signer.verify(new JcaSimpleSignerInfoVerifierBuilder()
                    .setProvider(Providers.bouncyCastle()).build(operatorCertificate));
            if (!valid) {
                throw new LiaisonException(ErrorCode.DIRECTORY_SIGNATURE_INVALID, "signature does not verify");
            }
            return (byte[]) data.getSignedContent().getContent();
        } catch (CMSException | OperatorCreationException | IOException | java.security.cert.CertificateException e) {
            throw new LiaisonException(ErrorCode.DIRECTORY_SIGNATURE_INVALID, e.getClass().getSimpleName(), e);
        }
    }

    static Directory parse(byte[] json, X509Certificate networkCa, Clock clock) {
        try {
            JsonNode root = JSON.readTree(json);
            List<X509CRL> crls = new ArrayList<>();
            for (JsonNode crl : root.path("crls")) {
                crls.add(Pem.crl(crl.asString()));
            }
            NetworkTrust trust = new NetworkTrust(networkCa, crls, clock);
            List<Participant> participants = new ArrayList<>();
            for (JsonNode p : root.required("participants")) {
                JsonNode certs = p.required("certificates");
                participants.add(new Participant(
                        p.required("id").asString(),
                        p.required("name").asString(),
                        ParticipantKind.valueOf(p.required("kind").asString()),
                        p.path("department").asString(null),
                        uri(p, "localApi"),
                        uri(p, "exchangeEndpoint"),
                        certificates(certs.required("signing")),
                        certificates(certs.required("encryption")),
                        certs.hasNonNull("tls") ? certificates(certs.get("tls")) : List.of(),
                        certs.hasNonNull("retiredSigning") ? certificates(certs.get("retiredSigning")) : List.of()));
            }
            List<Convention> conventions = new ArrayList<>();
            for (JsonNode c : root.path("conventions")) {
                conventions.add(new Convention(c.required("id").asString(), strings(c.required("parties")), c.path("oneWay").asBoolean(false),
                        java.util.Set.copyOf(strings(c.required("messageTypes"))), java.util.Set.copyOf(strings(c.required("purposes"))),
                        java.time.LocalDate.parse(c.required("validFrom").asString()),
                        java.time.LocalDate.parse(c.required("validUntil").asString()),
                        java.time.Duration.ofDays(c.path("reminderEveryDays").asInt(10)),
                        java.time.Duration.ofDays(c.path("expiryAfterDays").asInt(30))));
            }
            return new Directory(root.required("network").asString(), root.required("version").asLong(),
                    Instant.parse(root.required("issuedAt").asString()), participants, conventions, trust);
        } catch (JacksonException | IllegalArgumentException | java.time.format.DateTimeParseException e) {
            throw new LiaisonException(ErrorCode.DIRECTORY_MALFORMED, e.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    /** One PEM string (a single certificate for that use) or an array of them, oldest first. */
    private static List<X509Certificate> certificates(JsonNode value) {
        List<X509Certificate> certificates = new ArrayList<>();
        if (value.isArray()) {
            value.forEach(pem -> certificates.add(Pem.certificate(pem.asString())));
        } else {
            certificates.add(Pem.certificate(value.asString()));
        }
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException("an empty list of certificates");
        }
        return certificates;
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asString()));
        return values;
    }

    private static URI uri(JsonNode participant, String field) {
        JsonNode node = participant.get(field);
        return node == null || node.isNull() ? null : URI.create(node.asString());
    }

}
