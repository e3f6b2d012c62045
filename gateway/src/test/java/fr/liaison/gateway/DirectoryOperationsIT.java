package fr.liaison.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import fr.liaison.gateway.cli.DevNodeDefaults;
import fr.liaison.gateway.cli.DevTls;
import fr.liaison.gateway.cli.SampleMessages;
import fr.liaison.gateway.config.DirectoryHolder;
import fr.liaison.gateway.directory.DirectoryRefresher;
import fr.liaison.routes.directory.Directory;
import fr.liaison.routes.directory.DirectorySigner;
import fr.liaison.routes.directory.SignedDirectory;
import fr.liaison.routes.envelope.EnvelopeSealer;
import fr.liaison.routes.keys.KeyMaterial;
import fr.liaison.routes.keys.Pem;
import fr.liaison.routes.receipt.Receipt;
import fr.liaison.routes.receipt.Receipts;
import fr.liaison.schemas.MessageCodec;
import fr.liaison.schemas.MessageFormat;
import fr.liaison.schemas.v1.DataCategory;
import fr.liaison.schemas.v1.LiaisonMessage;
import fr.liaison.schemas.v1.Purpose;

import io.micrometer.core.instrument.MeterRegistry;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Running the network with traffic flowing: the network operator publishes new signed
 * directory versions at a URL and the running nodes follow them without a restart — a participant
 * joins, a signing then a TLS certificate is revoked, and an older or badly signed directory is refused while the node
 * keeps working on the last good version. Works on a copy of {@code certs-dev}; the committed files
 * are never touched. Refreshes are triggered through the {@link DirectoryRefresher} bean, so the
 * test does not depend on the refresh interval.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DirectoryOperationsIT {

    private static final Path CERTS_DEV = Path.of(System.getProperty("liaison.certs-dev", "../certs-dev")).toAbsolutePath().normalize();
    private static final Path SAMPLES = Path.of(System.getProperty("liaison.samples", "../schemas/samples")).toAbsolutePath().normalize();
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final Duration PATIENCE = Duration.ofSeconds(40);
    private static final String NEWCOMER = "CCAS-25056";

    private final SampleMessages samples = new SampleMessages(SAMPLES, Clock.systemUTC());
    private final MessageCodec codec = MessageCodec.v1();
    private final Map<String, Node> nodes = new LinkedHashMap<>();

    private Path certs;   // T: the copy of certs-dev this test publishes from
    private Path run;
    private Path published;
    private ObjectNode version1;
    private ObjectNode version2;
    private ObjectNode version3;
    /** CCAS-25056's answer to FT-25's referral, delivered in test 1, before the revocation. */
    private String answerFromNewcomer;

    @BeforeAll
    void startNetwork() throws Exception {
        Path base = Files.createDirectories(Path.of("target", "it-nodes")).toAbsolutePath();
        certs = Files.createTempDirectory(base, "directory-certs-");
        copyTree(CERTS_DEV, certs);
        run = Files.createTempDirectory(base, "directory-ops-");
        published = certs.resolve("published.signed");
        Files.copy(certs.resolve("directory.signed"), published);
        version1 = (ObjectNode) JSON.readTree(Files.readAllBytes(certs.resolve("directory.json")));
        nodes.put("FT-25", Node.start("FT-25", certs, run, published, 40));
        nodes.put("CD-25", Node.start("CD-25", certs, run, published, 41));
    }

    @AfterAll
    void stopNetwork() {
        nodes.values().forEach(node -> node.context.close());
    }

    private Node node(String id) {
        return nodes.get(id);
    }

    // ---------------------------------------------------------------------------------- joining

    @Test
    @Order(1)
    void aNewParticipantJoinsWithoutARestart() throws Exception {
        NewIdentity besancon = issueIdentity(NEWCOMER, "CCAS de Besançon");
        var early = samples.message("referral.xml", "FT-25", NEWCOMER, UUID.randomUUID().toString(), null);
        HttpResponse<String> refused = node("FT-25").post("/api/v1/messages", early.xml());
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
        assertThat(JSON.readTree(refused.body()).path("code").asString()).isEqualTo("GW-DIRECTORY-003");
        ConfigurableApplicationContext ftBefore = node("FT-25").context;

        version2 = version1.deepCopy();
        version2.put("version", 2);
        version2.put("issuedAt", Instant.now().minusSeconds(60).toString());
        ObjectNode participant = ((ArrayNode) version2.get("participants")).addObject();
        participant.put("id", NEWCOMER);
        participant.put("name", "CCAS de Besançon");
        participant.put("kind", "CCAS");
        participant.put("department", "25");
        participant.put("localApi", "http://127.0.0.1:8092");
        participant.put("exchangeEndpoint", "https://127.0.0.1:8452/exchange/v1/envelopes");
        ObjectNode certificates = participant.putObject("certificates");
        certificates.put("signing", besancon.signingPem());
        certificates.put("encryption", besancon.encryptionPem());
        certificates.put("tls", besancon.tlsPem());
        ObjectNode convention = ((ArrayNode) version2.get("conventions")).addObject();
        convention.put("id", "CONV-25-BESANCON");
        convention.putArray("parties").add("FT-25").add(NEWCOMER);
        ArrayNode types = convention.putArray("messageTypes");
        List.of("REFERRAL", "REFERRAL_RESPONSE", "SHARED_DIAGNOSIS", "FOLLOW_UP_EVENT", "CONSENT_REVOCATION").forEach(types::add);
        convention.putArray("purposes").add("ACCOMPAGNEMENT_GLOBAL").add("ACCOMPAGNEMENT_SOCIAL");
        convention.put("validFrom", "2026-01-01");
        convention.put("validUntil", "2035-12-31");
        convention.put("reminderEveryDays", 10);
        convention.put("expiryAfterDays", 30);
        byte[] signed = signAsOperator(version2);
        Files.write(published, signed);
        Files.write(certs.resolve("directory.signed"), signed); // the newcomer's node starts on version 2

        assertThat(refresher("FT-25").refresh()).isTrue();
        assertThat(version("FT-25")).isEqualTo(2);
        assertThat(node("FT-25").context.getBean(MeterRegistry.class).find("liaison.peer.certificate.expiry").tag("peer", NEWCOMER)
                .gauges()).as("the newcomer's certificate expiry gauges, without a restart").hasSize(3);
        nodes.put(NEWCOMER, Node.start(NEWCOMER, certs, run, published, 42));

        String consent = recordConsent("FT-25", List.of(NEWCOMER), Purpose.ACCOMPAGNEMENT_GLOBAL);
        var referral = samples.message("referral.xml", "FT-25", NEWCOMER, consent, null);
        submitAndAwaitDelivery("FT-25", referral.xml(), referral.messageId());
        assertThat(referralState(NEWCOMER, referral.messageId())).isEqualTo("RECEIVED");
        assertThat(node("FT-25").context).as("FT-25 was never restarted").isSameAs(ftBefore);
        assertThat(ftBefore.isActive()).isTrue();

        // The newcomer answers: what it sends before any revocation, FT-25 records in its audit chain.
        await().atMost(PATIENCE).until(() -> node(NEWCOMER).post("/api/v1/inbox/" + referral.messageId() + "/ack", new byte[0]).statusCode() == 204);
        var answer = samples.message("referral-response.xml", NEWCOMER, "FT-25", consent, referral.messageId());
        submitAndAwaitDelivery(NEWCOMER, answer.xml(), answer.messageId());
        answerFromNewcomer = answer.messageId();
    }

    // ------------------------------------------------------------------------------- revocation

    @Test
    @Order(2)
    void aRevokedCertificateIsRefusedWithinOneRefresh() throws Exception {
        assertThat(answerFromNewcomer).as("needs the join of test 1").isNotNull();
        version3 = version2.deepCopy();
        version3.put("version", 3);
        version3.put("issuedAt", Instant.now().minusSeconds(30).toString());
        X509Certificate revoked = Pem.certificate(certs.resolve(NEWCOMER).resolve("sign.crt.pem"));
        ((ArrayNode) version3.get("crls")).add(crlRevoking(revoked));
        Files.write(published, signAsOperator(version3));

        assertThat(refresher("FT-25").refresh()).isTrue();
        assertThat(version("FT-25")).isEqualTo(3);

        var late = samples.message("referral-response.xml", NEWCOMER, "FT-25", UUID.randomUUID().toString(), null);
        Directory v3 = SignedDirectory.verify(Files.readAllBytes(published), Pem.certificate(certs.resolve("network-operator.crt.pem")),
                Pem.certificate(certs.resolve("network-ca.crt.pem")), Clock.systemUTC());
        byte[] envelope = new EnvelopeSealer(KeyMaterial.fromCertsDev(certs, NEWCOMER))
                .seal(late.xml(), v3.require("FT-25").encryptionCertificate());
        HttpClient asNewcomer = HttpClient.newBuilder().sslContext(DevTls.clientContext(certs, NEWCOMER))
                .version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<byte[]> answer = asNewcomer.send(HttpRequest.newBuilder(v3.require("FT-25").exchangeEndpoint())
                .header("Content-Type", "application/cms").header("Liaison-Message-Id", late.messageId())
                .POST(HttpRequest.BodyPublishers.ofByteArray(envelope)).build(), HttpResponse.BodyHandlers.ofByteArray());

        assertThat(answer.statusCode()).isEqualTo(422);
        Receipt receipt = Receipts.verify(answer.body(), v3, "FT-25", late.messageId(), envelope);
        assertThat(receipt.outcome()).isEqualTo(Receipt.Outcome.REJECTED);
        assertThat(receipt.errorCode()).isEqualTo("GW-SIGNATURE-005");

        JsonNode audited = node("FT-25").officerJson("/api/v1/audit?code=GW-SIGNATURE-005");
        assertThat(audited.path("total").asLong()).isPositive();
        assertThat(audited.path("entries")).extracting(e -> e.path("errorCode").asString()).contains("GW-SIGNATURE-005");
        JsonNode before = node("FT-25").officerJson("/api/v1/audit?messageId=" + answerFromNewcomer);
        assertThat(before.path("entries")).as("what CCAS-25056 sent before the revocation stays in the log")
                .anySatisfy(e -> {
                    assertThat(e.path("sender").asString()).isEqualTo(NEWCOMER);
                    assertThat(e.path("step").asString()).isEqualTo("RECEIVED");
                });
        JsonNode verified = node("FT-25").officerJson("/api/v1/audit/verify");
        assertThat(verified.path("valid").asBoolean()).as(verified.toString()).isTrue();
    }

    // ---------------------------------------------------------------------- rollback, forgery

    @Test
    @Order(3)
    void olderAndBadlySignedDirectoriesAreRefusedWhileTheNodeKeepsWorking() throws Exception {
        assertThat(version3).as("needs version 3 of test 2").isNotNull();
        double rollbacksBefore = failures("FT-25", "GW-DIRECTORY-004");
        Files.write(published, signAsOperator(version1));

        assertThat(refresher("FT-25").refresh()).isFalse();
        assertThat(version("FT-25")).isEqualTo(3);
        assertThat(failures("FT-25", "GW-DIRECTORY-004")).isEqualTo(rollbacksBefore + 1);
        JsonNode readiness = JSON.readTree(node("FT-25").get("/actuator/health/readiness").body());
        assertThat(readiness.path("status").asString()).as("the node stays ready on the last good version").isEqualTo("UP");

        double forgeriesBefore = failures("FT-25", "GW-DIRECTORY-001");
        ObjectNode version4 = version3.deepCopy();
        version4.put("version", 4);
        Files.write(published, DirectorySigner.sign(version4.toString().getBytes(StandardCharsets.UTF_8),
                Pem.privateKey(certs.resolve("FT-25/sign.key.pem")), Pem.certificate(certs.resolve("FT-25/sign.crt.pem"))));

        assertThat(refresher("FT-25").refresh()).isFalse();
        assertThat(version("FT-25")).isEqualTo(3);
        assertThat(failures("FT-25", "GW-DIRECTORY-001")).isEqualTo(forgeriesBefore + 1);

        String consent = recordConsent("FT-25", List.of("CD-25"), Purpose.ACCOMPAGNEMENT_GLOBAL);
        var referral = samples.message("referral.xml", "FT-25", "CD-25", consent, null);
        submitAndAwaitDelivery("FT-25", referral.xml(), referral.messageId());
    }

    // ---------------------------------------------------------------------- TLS revocation

    @Test
    @Order(4)
    void aRevokedTlsCertificateIsRefusedAtTheNextRequestWithACodeAndAnAuditEntry() throws Exception {
        assertThat(version3).as("needs version 3 of test 2").isNotNull();
        Directory v3 = SignedDirectory.verify(signAsOperator(version3), Pem.certificate(certs.resolve("network-operator.crt.pem")),
                Pem.certificate(certs.resolve("network-ca.crt.pem")), Clock.systemUTC());
        HttpClient asCd25 = HttpClient.newBuilder().sslContext(DevTls.clientContext(certs, "CD-25"))
                .version(HttpClient.Version.HTTP_1_1).build();
        var before = samples.message("referral.xml", "CD-25", "FT-25", UUID.randomUUID().toString(), null);
        byte[] accepted = new EnvelopeSealer(KeyMaterial.fromCertsDev(certs, "CD-25")).seal(before.xml(),
                v3.require("FT-25").encryptionCertificate());
        HttpResponse<byte[]> answered = postEnvelope(asCd25, v3, before.messageId(), accepted);
        assertThat(answered.statusCode()).as("the TLS certificate is trusted before the revocation").isIn(200, 422);
        assertThat(Receipts.verify(answered.body(), v3, "FT-25", before.messageId(), accepted)).isNotNull();

        ObjectNode version4 = version3.deepCopy();
        version4.put("version", 4);
        version4.put("issuedAt", Instant.now().minusSeconds(10).toString());
        ((ArrayNode) version4.get("crls")).add(crlRevoking(Pem.certificate(certs.resolve("CD-25").resolve("tls.crt.pem"))));
        Files.write(published, signAsOperator(version4));
        assertThat(refresher("FT-25").refresh()).isTrue();
        assertThat(version("FT-25")).isEqualTo(4);

        var after = samples.message("referral.xml", "CD-25", "FT-25", UUID.randomUUID().toString(), null);
        byte[] envelope = new EnvelopeSealer(KeyMaterial.fromCertsDev(certs, "CD-25")).seal(after.xml(),
                v3.require("FT-25").encryptionCertificate());
        HttpResponse<byte[]> refused = postEnvelope(asCd25, v3, after.messageId(), envelope);

        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(refused.body()).path("code").asString()).isEqualTo("GW-EXCHANGE-004");
        JsonNode audited = node("FT-25").officerJson("/api/v1/audit?code=GW-EXCHANGE-004");
        assertThat(audited.path("entries")).as("the refusal is in FT-25's audit trail").anySatisfy(e -> {
            assertThat(e.path("step").asString()).isEqualTo("REJECTED");
            // A caller no longer trusted attaches nothing to the message id it claims; the entry names the certificate it showed.
            assertThat(e.path("messageId").isString()).as("no message id: " + e).isFalse();
            assertThat(e.path("actor").asString()).endsWith(" certificate:"
                    + fr.liaison.routes.keys.Fingerprints.sha256(Pem.certificate(certs.resolve("CD-25").resolve("tls.crt.pem"))));
            // An unlisted or revoked peer's body is never read: nothing of it is held, not even its digest.
            assertThat(e.path("payloadDigest").isString()).as("no digest: " + e).isFalse();
        });
        JsonNode verified = node("FT-25").officerJson("/api/v1/audit/verify");
        assertThat(verified.path("valid").asBoolean()).as("what CD-25 sent before stays verifiable: " + verified).isTrue();
    }

    private static HttpResponse<byte[]> postEnvelope(HttpClient client, Directory directory, String messageId, byte[] envelope)
            throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(directory.require("FT-25").exchangeEndpoint())
                .header("Content-Type", "application/cms").header("Liaison-Message-Id", messageId)
                .POST(HttpRequest.BodyPublishers.ofByteArray(envelope)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    // ---------------------------------------------------------------------------------- helpers

    private DirectoryRefresher refresher(String id) {
        return node(id).context.getBean(DirectoryRefresher.class);
    }

    private long version(String id) {
        return node(id).context.getBean(DirectoryHolder.class).current().version();
    }

    private double failures(String id, String code) {
        var counter = node(id).context.getBean(MeterRegistry.class).find("liaison.directory.refresh.failures").tag("code", code).counter();
        return counter == null ? 0 : counter.count();
    }

    private byte[] signAsOperator(ObjectNode directory) {
        return DirectorySigner.sign(directory.toString().getBytes(StandardCharsets.UTF_8),
                Pem.privateKey(certs.resolve("network-operator.key.pem")), Pem.certificate(certs.resolve("network-operator.crt.pem")));
    }

    private String recordConsent(String recorder, List<String> recipients, Purpose purpose) throws Exception {
        String consentId = UUID.randomUUID().toString();
        byte[] consent = edit(samples.consent(consentId, recorder, recipients, List.of(DataCategory.values())), m -> {
            m.getHeader().setPurpose(purpose);
            ((fr.liaison.schemas.v1.Consent) m).setPurpose(purpose);
        });
        HttpResponse<String> answer = node(recorder).post("/api/v1/consents", consent);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(201);
        return consentId;
    }

    private byte[] edit(byte[] xml, Consumer<LiaisonMessage> change) {
        LiaisonMessage message = codec.read(xml, MessageFormat.XML).message();
        change.accept(message);
        return codec.toXml(message);
    }

    private void submitAndAwaitDelivery(String sender, byte[] xml, String messageId) throws Exception {
        HttpResponse<String> answer = node(sender).post("/api/v1/messages", xml);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(node(sender).json("/api/v1/messages/" + messageId).path("status").asString())
                .isEqualTo("DELIVERED"));
    }

    private String referralState(String id, String referralId) throws Exception {
        for (JsonNode referral : node(id).json("/api/v1/referrals?limit=1000")) {
            if (referral.path("referralId").asString().equals(referralId)) {
                return referral.path("state").asString();
            }
        }
        return null;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
    }

    // ------------------------------------------------------------------ the network CA's side

    private record NewIdentity(String signingPem, String encryptionPem, String tlsPem) {
    }

    /** Issues EC P-256 signing, encryption and TLS certificates from the dev network CA, written into T/&lt;id&gt;/. */
    private NewIdentity issueIdentity(String id, String name) throws Exception {
        Path dir = Files.createDirectories(certs.resolve(id));
        X509Certificate ca = Pem.certificate(certs.resolve("network-ca.crt.pem"));
        PrivateKey caKey = Pem.privateKey(certs.resolve("network-ca.key.pem"));
        String signing = issue(dir, "sign", id, name, "signing", ca, caKey,
                new KeyUsage(KeyUsage.digitalSignature | KeyUsage.nonRepudiation), false);
        String encryption = issue(dir, "encrypt", id, name, "encryption", ca, caKey, new KeyUsage(KeyUsage.keyAgreement), false);
        String tls = issue(dir, "tls", id, name, "tls", ca, caKey, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement), true);
        Files.writeString(dir.resolve("local-client.token"), randomSecret(32) + "\n");
        Files.writeString(dir.resolve("officer.password"), randomSecret(18) + "\n");
        return new NewIdentity(signing, encryption, tls);
    }

    private static String issue(Path dir, String file, String id, String name, String role, X509Certificate ca, PrivateKey caKey,
            KeyUsage usage, boolean tls) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair keys = generator.generateKeyPair();
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.C, "FR").addRDN(BCStyle.O, name)
                .addRDN(BCStyle.OU, id).addRDN(BCStyle.CN, id + " " + role).build();
        Instant now = Instant.now();
        JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
        var builder = new JcaX509v3CertificateBuilder(ca, new BigInteger(127, new SecureRandom()).add(BigInteger.ONE),
                Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(5 * 365))), subject, keys.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                .addExtension(Extension.keyUsage, true, usage)
                .addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(keys.getPublic()))
                .addExtension(Extension.authorityKeyIdentifier, false, extensions.createAuthorityKeyIdentifier(ca));
        if (tls) {
            builder.addExtension(Extension.extendedKeyUsage, false,
                    new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                    new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
        }
        X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(builder.build(signer(caKey)));
        String pem = pem(certificate);
        Files.writeString(dir.resolve(file + ".crt.pem"), pem);
        Files.writeString(dir.resolve(file + ".key.pem"), pem(new PemObject("PRIVATE KEY", keys.getPrivate().getEncoded())));
        return pem;
    }

    /** A CRL of the network CA revoking {@code certificate} (keyCompromise), to add next to the existing one. */
    private String crlRevoking(X509Certificate certificate) throws Exception {
        X509Certificate ca = Pem.certificate(certs.resolve("network-ca.crt.pem"));
        Instant now = Instant.now();
        X509v2CRLBuilder builder = new JcaX509v2CRLBuilder(ca, Date.from(now.minusSeconds(60)));
        builder.setNextUpdate(Date.from(now.plus(Duration.ofDays(30))));
        builder.addCRLEntry(certificate.getSerialNumber(), Date.from(now.minusSeconds(60)), CRLReason.keyCompromise);
        builder.addExtension(Extension.authorityKeyIdentifier, false, new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(ca));
        builder.addExtension(Extension.cRLNumber, false, new CRLNumber(BigInteger.valueOf(now.getEpochSecond())));
        X509CRL crl = new JcaX509CRLConverter().getCRL(builder.build(signer(Pem.privateKey(certs.resolve("network-ca.key.pem")))));
        return pem(crl);
    }

    private static ContentSigner signer(PrivateKey key) throws Exception {
        return new JcaContentSignerBuilder("SHA256withECDSA").setProvider(fr.liaison.routes.keys.Providers.bouncyCastle()).build(key);
    }

    private static String pem(Object object) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        }
        return out.toString().replace("\r\n", "\n");
    }

    private static String randomSecret(int bytes) {
        byte[] random = new byte[bytes];
        new SecureRandom().nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    // ------------------------------------------------------------------------------------ nodes

    static final class Node {
        final String id;
        final URI localApi;
        final String token;
        final String officerPassword;
        final ConfigurableApplicationContext context;

        private Node(String id, URI localApi, String token, String officerPassword, ConfigurableApplicationContext context) {
            this.id = id;
            this.localApi = localApi;
            this.token = token;
            this.officerPassword = officerPassword;
            this.context = context;
        }

        static Node start(String id, Path certs, Path run, Path published, int brokerId) throws IOException {
            Map<String, Object> properties = new LinkedHashMap<>(DevNodeDefaults.of(id, certs, Files.createDirectories(run.resolve(id))));
            properties.put("spring.artemis.embedded.server-id", brokerId);
            properties.put("liaison.retry.peer-attempts", 2);
            properties.put("liaison.retry.initial-delay", "PT0.2S");
            properties.put("liaison.directory.url", published.toUri().toString());
            ConfigurableApplicationContext context = new SpringApplicationBuilder(LiaisonNodeApplication.class)
                    .main(LiaisonNodeApplication.class).properties(properties).run();
            String token = Files.readString(certs.resolve(id).resolve("local-client.token"), StandardCharsets.UTF_8).strip();
            String password = Files.readString(certs.resolve(id).resolve("officer.password"), StandardCharsets.UTF_8).strip();
            return new Node(id, URI.create("http://127.0.0.1:" + properties.get("liaison.local-api.port")), token, password, context);
        }

        HttpResponse<String> post(String path, byte[] xml) throws IOException, InterruptedException {
            return HTTP.send(HttpRequest.newBuilder(localApi.resolve(path)).header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/xml").POST(HttpRequest.BodyPublishers.ofByteArray(xml)).build(),
                    HttpResponse.BodyHandlers.ofString());
        }

        HttpResponse<String> get(String path) throws IOException, InterruptedException {
            return HTTP.send(HttpRequest.newBuilder(localApi.resolve(path)).header("Authorization", "Bearer " + token)
                    .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofString());
        }

        JsonNode json(String path) throws IOException, InterruptedException {
            HttpResponse<String> answer = get(path);
            assertThat(answer.statusCode()).as(path + ": " + answer.body()).isEqualTo(200);
            return JSON.readTree(answer.body());
        }

        JsonNode officerJson(String path) throws IOException, InterruptedException {
            String basic = Base64.getEncoder().encodeToString(("officer:" + officerPassword).getBytes(StandardCharsets.UTF_8));
            HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(localApi.resolve(path)).header("Authorization", "Basic " + basic)
                    .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(path + ": " + answer.body()).isEqualTo(200);
            return JSON.readTree(answer.body());
        }
    }
}
