package fr.liaison.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import fr.liaison.gateway.LiaisonNodeApplication;
import fr.liaison.gateway.cli.DevNodeDefaults;
import fr.liaison.gateway.cli.DevTls;
import fr.liaison.gateway.cli.SampleMessages;
import fr.liaison.routes.audit.AuditEntry;
import fr.liaison.routes.audit.AuditStep;
import fr.liaison.routes.audit.AuditTrail;
import fr.liaison.routes.audit.Pseudonymiser;
import fr.liaison.routes.audit.chain.AuditChain;
import fr.liaison.routes.audit.chain.AuditChainVerifier;
import fr.liaison.routes.audit.chain.AuditExportFormat;
import fr.liaison.routes.audit.chain.AuditRecord;
import fr.liaison.routes.audit.chain.AuditVerificationException;
import fr.liaison.routes.audit.chain.ChainedEntry;
import fr.liaison.routes.audit.chain.Checkpoint;
import fr.liaison.routes.audit.chain.Checkpoints;
import fr.liaison.routes.directory.Directory;
import fr.liaison.routes.directory.SignedDirectory;
import fr.liaison.routes.envelope.EnvelopeSealer;
import fr.liaison.routes.keys.KeyMaterial;
import fr.liaison.routes.keys.ParticipantKeys;
import fr.liaison.routes.receipt.Receipt;
import fr.liaison.routes.receipt.Receipts;
import fr.liaison.routes.signing.SignedContent;
import fr.liaison.schemas.MessageCodec;
import fr.liaison.schemas.MessageFormat;
import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.v1.DataCategory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLContext;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The security officer's API on one real node, FT-25, in this JVM (free ports, its own broker and
 * H2 database): a local client's traffic makes the log — a consent, two refusals, a message that
 * cannot be delivered (no peer runs) and a referral received from CD-25 over mutual TLS — and the
 * officer reads, filters, verifies and exports it. Tampering with the database (the last tests)
 * is seen by the in-place check and by the offline verifier alike.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AuditApiIT {

    private static final Path CERTS_DEV = Path.of(System.getProperty("liaison.certs-dev", "../certs-dev")).toAbsolutePath().normalize();
    private static final Path SAMPLES = Path.of(System.getProperty("liaison.samples", "../schemas/samples")).toAbsolutePath().normalize();
    private static final String NODE = "FT-25";
    private static final String PEER = "CD-25";
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final List<DataCategory> REFERRAL_CATEGORIES = List.of(DataCategory.IDENTITY, DataCategory.BARRIER_MOBILITE,
            DataCategory.BARRIER_LOGEMENT);
    /** Where the officer's reads come from, as each LOG_READ entry says: the API, from this test's address. */
    private static final String FROM_HERE = " (API from 127.0.0.1)";

    /** The person of the samples (referral.xml, consent.xml): none of this may be stored or exported in clear. */
    private static final String PERSON_ID = "0451827K";
    private static final List<String> PERSON_DATA = List.of(PERSON_ID, "Le Goff", "Goff", "Maëlle", "Maelle", "1987-03-14");

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final SampleMessages samples = new SampleMessages(SAMPLES, Clock.systemUTC());
    private final MessageCodec codec = MessageCodec.v1();

    private ConfigurableApplicationContext node;
    private JdbcTemplate db;
    private URI localApi;
    private int exchangePort;
    private String bearer;
    private String officer;
    private String personHash;

    private String consentId;
    private String otherConsentId;
    private String undeliverableId;
    private byte[] undeliverableXml;
    private String refusedNoConsentId;
    private String refusedOtherRecipientId;
    private String receivedId;
    private String receivedConsentId;

    @BeforeAll
    void startNodeAndMakeTraffic() throws Exception {
        Path workDir = Files.createTempDirectory(Files.createDirectories(Path.of("target", "it-nodes")), "audit-api-" + NODE + "-");
        Map<String, Object> properties = new LinkedHashMap<>(DevNodeDefaults.of(NODE, CERTS_DEV, workDir));
        exchangePort = freePort();
        int localPort = freePort();
        properties.put("server.port", exchangePort);
        properties.put("liaison.local-api.port", localPort);
        properties.put("spring.artemis.embedded.server-id", 25);
        properties.put("liaison.audit.checkpoint-every", 5);
        properties.put("liaison.audit.checkpoint-interval", "PT1S");
        properties.put("liaison.retry.peer-attempts", 1);
        properties.put("liaison.retry.initial-delay", "PT0.2S");
        node = new SpringApplicationBuilder(LiaisonNodeApplication.class).main(LiaisonNodeApplication.class).properties(properties).run();
        db = node.getBean(JdbcTemplate.class);
        localApi = URI.create("http://127.0.0.1:" + localPort);
        bearer = "Bearer " + Files.readString(CERTS_DEV.resolve(NODE).resolve("local-client.token"), StandardCharsets.UTF_8).strip();
        officer = basic("officer", Files.readString(CERTS_DEV.resolve(NODE).resolve("officer.password"), StandardCharsets.UTF_8).strip());
        personHash = node.getBean(Pseudonymiser.class).personHash(PERSON_ID);

        // A consent FT-25 collected, for CD-25.
        consentId = UUID.randomUUID().toString();
        HttpResponse<byte[]> recorded = send("POST", "/api/v1/consents", bearer, samples.consent(consentId, NODE, List.of(PEER),
                REFERRAL_CATEGORIES), "application/xml");
        assertThat(recorded.statusCode()).as(text(recorded)).isEqualTo(201);

        // Refused: no such consent; a consent that does not name the recipient (CD-25, the only peer a convention allows).
        otherConsentId = UUID.randomUUID().toString();
        HttpResponse<byte[]> other = send("POST", "/api/v1/consents", bearer, samples.consent(otherConsentId, NODE, List.of("FT-17"),
                REFERRAL_CATEGORIES), "application/xml");
        assertThat(other.statusCode()).as(text(other)).isEqualTo(201);
        SampleMessages.Fresh noConsent = samples.message("referral.xml", NODE, PEER, UUID.randomUUID().toString(), null);
        refusedNoConsentId = noConsent.messageId();
        assertProblem(send("POST", "/api/v1/messages", bearer, noConsent.xml(), "application/xml"), 403, "GW-CONSENT-001");
        SampleMessages.Fresh otherRecipient = samples.message("referral.xml", NODE, PEER, otherConsentId, null);
        refusedOtherRecipientId = otherRecipient.messageId();
        assertProblem(send("POST", "/api/v1/messages", bearer, otherRecipient.xml(), "application/xml"), 403, "GW-CONSENT-004");

        // Accepted, then dead-lettered: CD-25's node does not run.
        SampleMessages.Fresh undeliverable = samples.message("referral.xml", NODE, PEER, consentId, null);
        undeliverableId = undeliverable.messageId();
        undeliverableXml = undeliverable.xml();
        HttpResponse<byte[]> accepted = send("POST", "/api/v1/messages", bearer, undeliverable.xml(), "application/xml");
        assertThat(accepted.statusCode()).as(text(accepted)).isEqualTo(202);

        // Received: CD-25 sends FT-25 a referral about the same person, under a consent CD-25 collected.
        receivedConsentId = UUID.randomUUID().toString();
        ParticipantKeys cd25 = KeyMaterial.fromCertsDev(CERTS_DEV, PEER);
        byte[] proof = SignedContent.sign(codec.read(samples.consent(receivedConsentId, PEER, List.of(NODE), REFERRAL_CATEGORIES),
                MessageFormat.XML).canonicalXml(), cd25);
        SampleMessages.Fresh referral = samples.message("referral.xml", PEER, NODE, receivedConsentId, null);
        receivedId = referral.messageId();
        Directory directory = SignedDirectory.loadCertsDev(CERTS_DEV, Clock.systemUTC());
        byte[] envelope = new EnvelopeSealer(cd25).seal(referral.xml(), directory.require(NODE).encryptionCertificate(), proof);
        HttpResponse<byte[]> receipt = postEnvelope(PEER, receivedId, envelope);
        assertThat(receipt.statusCode()).as(text(receipt)).isBetween(200, 299);
        assertThat(Receipts.verify(receipt.body(), directory, NODE, receivedId, envelope).outcome()).isEqualTo(Receipt.Outcome.ACCEPTED);

        await().atMost(PATIENCE).untilAsserted(() -> {
            assertThat(json(send("GET", "/api/v1/messages/" + undeliverableId, bearer, null, null)).path("status").asString())
                    .isEqualTo("FAILED");
            assertThat(stepsOf(undeliverableId)).contains("DEAD_LETTERED");
            assertThat(stepsOf(receivedId)).contains("RECEIVED");
        });
    }

    @AfterAll
    void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    // ---------------------------------------------------------------------------------------------

    @Test
    @Order(1)
    void withoutCredentialsOrWithAWrongPasswordTheLogIsClosed() throws Exception {
        long reads = logReads();
        for (String path : List.of("/api/v1/audit", "/api/v1/audit/verify", "/api/v1/audit/export", "/api/v1/audit/exchanges/x")) {
            assertProblem(send("GET", path, null, null, null), 401, "GW-API-001");
            assertProblem(send("GET", path, basic("officer", "not-the-password"), null, null), 401, "GW-API-001");
        }
        assertProblem(send("POST", "/api/v1/audit/person-report", null, personReportBody(PERSON_ID), "application/json"), 401,
                "GW-API-001");
        assertThat(logReads()).isEqualTo(reads);
    }

    @Test
    @Order(2)
    void aLocalClientsTokenCannotReadTheLog() throws Exception {
        long reads = logReads();
        for (String path : List.of("/api/v1/audit", "/api/v1/audit?person=" + PERSON_ID, "/api/v1/audit/verify",
                "/api/v1/audit/export", "/api/v1/audit/exchanges/" + undeliverableId)) {
            assertProblem(send("GET", path, bearer, null, null), 403, "GW-API-002");
        }
        assertProblem(send("POST", "/api/v1/audit/person-report", bearer, personReportBody(PERSON_ID), "application/json"), 403,
                "GW-API-002");
        assertThat(logReads()).as("refused reads are not reads").isEqualTo(reads);
        // And the officer's login does not open the local client's API either.
        assertProblem(send("GET", "/api/v1/messages/" + undeliverableId, officer, null, null), 403, "GW-API-002");
    }

    @Test
    @Order(3)
    void theOfficerSearchesNewestFirstAndPaged() throws Exception {
        JsonNode all = search("size=500");
        long total = all.path("total").asLong();
        assertThat(all.path("page").asInt()).isZero();
        assertThat(all.path("size").asInt()).isEqualTo(500);
        List<Long> seqs = longs(all, "seq");
        assertThat(total).isEqualTo(seqs.size())
                .isEqualTo(db.queryForObject("SELECT COUNT(*) FROM audit_entry WHERE seq <= ?", Long.class, seqs.get(0)));
        assertThat(seqs).isSortedAccordingTo((a, b) -> Long.compare(b, a)).doesNotHaveDuplicates();
        assertThat(strings(all, "step")).contains("CONSENT_RECORDED", "REFUSED", "ACCEPTED", "SENT", "DEAD_LETTERED", "RECEIVED",
                "LOG_READ");
        JsonNode newest = all.path("entries").get(0);
        assertThat(newest.path("step").asString()).isEqualTo("LOG_READ"); // this very search
        assertThat(newest.path("actor").asString()).isEqualTo("officer: search page=0 size=500" + FROM_HERE);
        assertThat(newest.path("node").asString()).isEqualTo(NODE);
        assertThat(newest.path("hash").asString()).matches("[0-9a-f]{64}");
        // A filter too long for the entry is cut, never between the two halves of a character outside the BMP.
        String emoji = "x" + "\uD83D\uDE00".repeat(300);
        JsonNode cut = search("size=1&messageId=" + java.net.URLEncoder.encode(emoji, StandardCharsets.UTF_8));
        assertThat(cut.path("total").asLong()).isZero();
        String cutActor = search("size=2").path("entries").get(1).path("actor").asString();
        assertThat(cutActor).hasSizeLessThanOrEqualTo(500).endsWith("\uDE00…" + FROM_HERE).startsWith("officer: search messageId=x\uD83D\uDE00");

        JsonNode first = search("size=2&page=0&step=REFUSED");
        JsonNode second = search("size=2&page=1&step=REFUSED");
        assertThat(first.path("total").asLong()).isEqualTo(2);
        assertThat(longs(first, "seq")).hasSize(2);
        assertThat(second.path("entries").size()).isZero();
        JsonNode one = search("size=1&page=1&step=REFUSED");
        assertThat(longs(one, "seq")).containsExactly(longs(first, "seq").get(1));
    }

    @Test
    @Order(4)
    void filtersByStepOutcomeCodeMessageParticipantTimeAndPerson() throws Exception {
        JsonNode consents = search("step=CONSENT_RECORDED");
        assertThat(strings(consents, "step")).containsOnly("CONSENT_RECORDED").hasSize(2);
        assertThat(strings(consents, "consentId")).containsExactly(otherConsentId, consentId);
        assertThat(strings(consents, "actor")).containsOnly(NODE + "-software");

        JsonNode errors = search("outcome=ERROR&size=500");
        assertThat(errors.path("entries")).allSatisfy(e -> assertThat(e.path("errorCode").isString()).isTrue());
        assertThat(strings(errors, "errorCode")).contains("GW-CONSENT-001", "GW-CONSENT-004");
        assertThat(strings(errors, "step")).contains("REFUSED", "DEAD_LETTERED").doesNotContain("LOG_READ", "ACCEPTED");
        JsonNode ok = search("outcome=OK&size=500");
        assertThat(ok.path("entries")).allSatisfy(e -> assertThat(e.path("errorCode").isNull()).isTrue());
        assertThat(strings(ok, "step")).contains("ACCEPTED", "RECEIVED", "CONSENT_RECORDED").doesNotContain("REFUSED");

        JsonNode code = search("code=GW-CONSENT-004");
        assertThat(strings(code, "messageId")).containsExactly(refusedOtherRecipientId);
        assertThat(strings(code, "step")).containsExactly("REFUSED");

        JsonNode message = search("messageId=" + undeliverableId);
        assertThat(strings(message, "messageId")).containsOnly(undeliverableId);
        assertThat(strings(message, "step")).contains("ACCEPTED", "SENT", "DEAD_LETTERED");

        JsonNode peer = search("participant=" + PEER + "&size=500");
        assertThat(peer.path("entries")).isNotEmpty().allSatisfy(e -> assertThat(List.of(e.path("sender").asString(""),
                e.path("recipient").asString(""))).contains(PEER));
        assertThat(strings(peer, "messageId")).contains(undeliverableId, receivedId, refusedNoConsentId, refusedOtherRecipientId);
        assertThat(search("participant=FT-17").path("total").asLong()).isZero();

        assertThat(search("from=" + Instant.now().plusSeconds(3600)).path("total").asLong()).isZero();
        assertThat(search("to=" + Instant.now().minusSeconds(3600)).path("total").asLong()).isZero();
        assertThat(search("from=" + Instant.now().minusSeconds(3600) + "&step=RECEIVED").path("total").asLong()).isEqualTo(1);

        // A person named in clear in the request: only that person's entries, found by the node's keyed hash.
        JsonNode person = search("person=" + PERSON_ID + "&size=500");
        long ofPerson = db.queryForObject("SELECT COUNT(*) FROM audit_entry WHERE person_hash = ?", Long.class, personHash);
        assertThat(person.path("total").asLong()).isEqualTo(ofPerson).isGreaterThanOrEqualTo(6);
        assertThat(strings(person, "personHash")).containsOnly(personHash);
        assertThat(strings(person, "step")).contains("CONSENT_RECORDED", "REFUSED", "ACCEPTED", "DEAD_LETTERED", "RECEIVED");
        assertThat(search("person=" + URLEncoder.encode(" " + PERSON_ID + " ", StandardCharsets.UTF_8)).path("total").asLong())
                .isEqualTo(ofPerson); // stripped, as the node does
        assertThat(search("person=9999999X").path("total").asLong()).isZero();
        assertThat(text(send("GET", "/api/v1/audit?person=" + PERSON_ID, officer, null, null))).doesNotContain(PERSON_ID);
        // The same search posted as a form: the identifier stays out of the URL.
        HttpResponse<byte[]> posted = send("POST", "/api/v1/audit/search", officer,
                ("person=" + PERSON_ID + "&size=500").getBytes(StandardCharsets.UTF_8), "application/x-www-form-urlencoded");
        assertThat(posted.statusCode()).as(text(posted)).isEqualTo(200);
        assertThat(longs(json(posted), "seq")).isEqualTo(longs(person, "seq"));
        assertThat(text(posted)).doesNotContain(PERSON_ID);
    }

    @Test
    @Order(5)
    void filtersByCorrelationId() throws Exception {
        // An answer to a referral, correlated to it, as the pipeline audits it; and an answer to another referral.
        AuditTrail trail = node.getBean(AuditTrail.class);
        String referral = UUID.randomUUID().toString();
        String answer = UUID.randomUUID().toString();
        String otherReferral = UUID.randomUUID().toString();
        Instant now = Instant.now();
        trail.append(correlated(now, AuditStep.RECEIVED, answer, referral));
        trail.append(correlated(now, AuditStep.DELIVERED, answer, referral));
        trail.append(correlated(now, AuditStep.RECEIVED, UUID.randomUUID().toString(), otherReferral));

        long before = maxSeq();
        JsonNode found = search("correlationId=" + referral);
        assertThat(found.path("total").asLong()).isEqualTo(2);
        assertThat(strings(found, "correlationId")).containsOnly(referral);
        assertThat(strings(found, "messageId")).containsOnly(answer);
        assertThat(strings(found, "step")).containsExactly("DELIVERED", "RECEIVED");
        assertThat(logReadsAfter(before)).containsExactly("officer: search correlationId=" + referral + " page=0 size=50" + FROM_HERE);

        assertThat(search("correlationId=" + otherReferral).path("total").asLong()).isEqualTo(1);
        assertThat(search("correlationId=" + referral + "&step=DELIVERED").path("total").asLong()).isEqualTo(1);
        assertThat(search("correlationId=" + UUID.randomUUID()).path("total").asLong()).isZero();
        assertThat(search("correlationId=" + answer).path("total").asLong()).as("a message id is no correlation id").isZero();
    }

    @Test
    @Order(6)
    void everyOfficerReadIsItselfLoggedWithTheOfficerAndTheFilterButNoPersonInClear() throws Exception {
        long before = maxSeq();
        search("step=REFUSED&outcome=ERROR");
        assertThat(logReadsAfter(before)).containsExactly("officer: search step=REFUSED outcome=ERROR page=0 size=50" + FROM_HERE);

        before = maxSeq();
        search("person=" + PERSON_ID);
        assertThat(logReadsAfter(before)).containsExactly("officer: search person=" + personHash.substring(0, 12) + " page=0 size=50" + FROM_HERE);

        before = maxSeq();
        send("GET", "/api/v1/audit/exchanges/" + undeliverableId, officer, null, null);
        send("GET", "/api/v1/audit/verify", officer, null, null);
        send("GET", "/api/v1/audit/export", officer, null, null);
        send("POST", "/api/v1/audit/person-report", officer, personReportBody(PERSON_ID), "application/json");
        assertThat(logReadsAfter(before)).containsExactly("officer: exchange messageId=" + undeliverableId + FROM_HERE,
                "officer: verify" + FROM_HERE, "officer: export" + FROM_HERE,
                "officer: person-report person=" + personHash.substring(0, 12) + FROM_HERE);
    }

    @Test
    @Order(7)
    void theHistoryOfOneExchange() throws Exception {
        HttpResponse<byte[]> answer = send("GET", "/api/v1/audit/exchanges/" + undeliverableId, officer, null, null);
        assertThat(answer.statusCode()).isEqualTo(200);
        List<String> steps = new ArrayList<>();
        List<Long> seqs = new ArrayList<>();
        for (JsonNode entry : json(answer)) {
            steps.add(entry.path("step").asString());
            seqs.add(entry.path("seq").asLong());
            assertThat(entry.path("messageId").asString()).isEqualTo(undeliverableId);
        }
        assertThat(seqs).isSorted();
        assertThat(steps).startsWith("ACCEPTED").contains("SENT").endsWith("DEAD_LETTERED");
    }

    @Test
    @Order(8)
    void theChainVerifiesInPlace() throws Exception {
        HttpResponse<byte[]> answer = send("GET", "/api/v1/audit/verify", officer, null, null);
        assertThat(answer.statusCode()).isEqualTo(200);
        JsonNode result = json(answer);
        assertThat(result.path("valid").asBoolean()).as(result.toString()).isTrue();
        long entries = result.path("entries").asLong();
        assertThat(entries).isGreaterThanOrEqualTo(maxSeq() - 1).isGreaterThan(10); // its own LOG_READ may come after the head it signed
        assertThat(result.path("lastCheckpoint").path("seq").asLong()).isEqualTo(entries);
        assertThat(result.path("lastCheckpoint").path("hash").asString())
                .isEqualTo(db.queryForObject("SELECT entry_hash FROM audit_entry WHERE seq = ?", String.class, entries));
    }

    @Test
    @Order(9)
    void theExportIsJsonLinesThatTheOfflineVerifierAcceptsEndingWithACheckpointOfTheLastEntryAndItsSignedEnd() throws Exception {
        HttpResponse<byte[]> answer = send("GET", "/api/v1/audit/export", officer, null, null);
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/jsonl"));
        assertThat(answer.headers().firstValue("Content-Disposition")).hasValue("attachment; filename=\"audit-FT-25.jsonl\"");

        AuditChainVerifier.Result verified = AuditChainVerifier.verify(new ByteArrayInputStream(answer.body()),
                KeyMaterial.fromCertsDev(CERTS_DEV, NODE).signingCertificate());

        List<AuditRecord> records = text(answer).lines().map(AuditExportFormat::parse).toList();
        List<ChainedEntry> entries = records.stream().filter(ChainedEntry.class::isInstance).map(ChainedEntry.class::cast).toList();
        assertThat(entries).extracting(ChainedEntry::seq).startsWith(1L).isSorted();
        assertThat(verified.entries()).isEqualTo(entries.size()).isEqualTo(entries.get(entries.size() - 1).seq());
        assertThat(records.get(records.size() - 2)).isInstanceOf(Checkpoint.class).isEqualTo(verified.lastCheckpoint());
        assertThat(records.get(records.size() - 1)).isInstanceOf(Checkpoint.class).isEqualTo(verified.exportEnd());
        assertThat(verified.exportEnd().exportEnd()).isTrue();
        assertThat(verified.exportEnd().seq()).isEqualTo(verified.lastCheckpoint().seq());
        assertThat(verified.exportEnd().at()).isAfterOrEqualTo(verified.lastCheckpoint().at());
        assertThat(text(answer).lines().reduce((a, b) -> b).orElseThrow()).startsWith("{\"kind\":\"end\",");
        assertThat(verified.lastCheckpoint().seq()).isEqualTo(entries.get(entries.size() - 1).seq());
        assertThat(verified.lastCheckpoint().hash()).isEqualTo(entries.get(entries.size() - 1).hash());
        assertThat(verified.lastCheckpoint().node()).isEqualTo(NODE);
        assertThat(records.stream().filter(Checkpoint.class::isInstance).count())
                .as("checkpoints every 5 entries or so").isGreaterThanOrEqualTo(entries.size() / 10);
        // Cut just after its last checkpoint, the export is refused as truncated.
        List<String> cut = text(answer).lines().toList();
        assertThatThrownBy(() -> AuditChainVerifier.verify(new ByteArrayInputStream(
                (String.join("\n", cut.subList(0, cut.size() - 1)) + "\n").getBytes(StandardCharsets.UTF_8)),
                KeyMaterial.fromCertsDev(CERTS_DEV, NODE).signingCertificate()))
                .isInstanceOfSatisfying(AuditVerificationException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.AUDIT_TRUNCATED));
    }

    @Test
    @Order(10)
    void theHeadIsSignedEveryIntervalWhenFewerEntriesThanTheCountCome() throws Exception {
        // Verifying signs the head; a search then appends one entry (its read), fewer than the 5 that make a checkpoint.
        long signed = verify().path("lastCheckpoint").path("seq").asLong();
        search("step=REFUSED");
        long head = maxSeq();
        assertThat(head - signed).isBetween(1L, 4L);

        // checkpoint-interval is PT1S here (PT1M by default): the timer signs the new head.
        await().atMost(Duration.ofSeconds(15)).until(() -> checkpointAt(head) == 1);
        Checkpoint checkpoint = db.queryForObject("SELECT seq, head_hash, at, node, signer, signature FROM audit_checkpoint WHERE seq = ?",
                (rs, row) -> new Checkpoint(rs.getLong(1), rs.getString(2), rs.getObject(3, java.time.OffsetDateTime.class).toInstant(),
                        rs.getString(4), rs.getString(5), rs.getBytes(6)), head);
        assertThat(checkpoint.hash()).isEqualTo(db.queryForObject("SELECT entry_hash FROM audit_entry WHERE seq = ?", String.class, head));
        Checkpoints.verify(checkpoint, KeyMaterial.fromCertsDev(CERTS_DEV, NODE).signingCertificate());
        assertThat(maxSeq()).as("signing appends no entry").isEqualTo(head);
    }

    @Test
    @Order(11)
    void thePersonReportListsWhoReceivedDataAboutThePerson() throws Exception {
        HttpResponse<byte[]> answer = send("POST", "/api/v1/audit/person-report", officer, personReportBody(PERSON_ID),
                "application/json");
        assertThat(answer.statusCode()).as(text(answer)).isEqualTo(200);
        JsonNode report = json(answer);
        assertThat(report.path("node").asString()).isEqualTo(NODE);
        assertThat(report.path("personHash").asString()).isEqualTo(personHash);
        assertThat(text(answer)).doesNotContain(PERSON_ID);
        // The referral CD-25 sent here; not the one that never left (dead-lettered), nor the refused ones.
        assertThat(report.path("exchanges").size()).isEqualTo(1);
        JsonNode received = report.path("exchanges").get(0);
        assertThat(received.path("direction").asString()).isEqualTo("received");
        assertThat(received.path("from").asString()).isEqualTo(PEER);
        assertThat(received.path("to").asString()).isEqualTo(NODE);
        assertThat(received.path("messageType").asString()).isEqualTo("REFERRAL");
        assertThat(received.path("messageId").asString()).isEqualTo(receivedId);
        assertThat(received.path("consentId").asString()).isEqualTo(receivedConsentId);
        assertThat(received.path("purpose").asString()).isEqualTo("ACCOMPAGNEMENT_GLOBAL");
        assertThat(strings(received.path("dataCategories"))).containsExactlyInAnyOrder("IDENTITY", "BARRIER_MOBILITE",
                "BARRIER_LOGEMENT");
        assertThat(Instant.parse(received.path("at").asString())).isBefore(Instant.now());
        assertThat(strings(report.path("recipients"))).containsExactly(NODE);

        JsonNode nobody = json(send("POST", "/api/v1/audit/person-report", officer, personReportBody("9999999X"), "application/json"));
        assertThat(nobody.path("exchanges").size()).isZero();
        assertThat(nobody.path("recipients").size()).isZero();
        HttpResponse<byte[]> missing = send("POST", "/api/v1/audit/person-report", officer, "{}".getBytes(StandardCharsets.UTF_8),
                "application/json");
        assertThat(missing.statusCode()).isBetween(400, 499);
        assertThat(json(missing).path("code").asString()).isEqualTo("GW-SCHEMA-001");
        // A mistyped identifier is refused, not answered "nobody"; letter case and spaces aside, it is the same person.
        HttpResponse<byte[]> mistyped = send("POST", "/api/v1/audit/person-report", officer, personReportBody("045182"),
                "application/json");
        assertThat(mistyped.statusCode()).isEqualTo(422);
        assertThat(json(mistyped).path("code").asString()).isEqualTo("GW-SCHEMA-001");
        JsonNode lowerCase = json(send("POST", "/api/v1/audit/person-report", officer,
                personReportBody(" " + PERSON_ID.toLowerCase(java.util.Locale.ROOT) + " "), "application/json"));
        assertThat(lowerCase.path("personHash").asString()).isEqualTo(personHash);
        HttpResponse<byte[]> searched = send("GET", "/api/v1/audit?person=045182", officer, null, null);
        assertThat(searched.statusCode()).isEqualTo(400);
        assertThat(json(searched).path("code").asString()).isEqualTo("GW-API-009");
    }

    @Test
    @Order(12)
    void noPersonalDataInClearInTheAuditTablesNorTheExport() throws Exception {
        assertThat(db.queryForObject("SELECT COUNT(*) FROM audit_entry WHERE person_hash = ?", Long.class, personHash)).isPositive();
        List<String> cells = new ArrayList<>();
        for (String table : List.of("audit_entry", "audit_checkpoint", "audit_head")) {
            db.query("SELECT * FROM " + table, rs -> {
                int columns = rs.getMetaData().getColumnCount();
                for (int c = 1; c <= columns; c++) {
                    Object value = rs.getObject(c);
                    cells.add(value instanceof byte[] bytes ? new String(bytes, StandardCharsets.ISO_8859_1) : String.valueOf(value));
                }
            });
        }
        assertThat(cells).hasSizeGreaterThan(100);
        String export = text(send("GET", "/api/v1/audit/export", officer, null, null));
        String searched = text(send("GET", "/api/v1/audit?size=500", officer, null, null));
        for (String clear : PERSON_DATA) {
            String lower = clear.toLowerCase(Locale.ROOT);
            assertThat(cells).as("audit tables hold " + clear).noneMatch(cell -> cell.toLowerCase(Locale.ROOT).contains(lower));
            assertThat(export.toLowerCase(Locale.ROOT)).as("export holds " + clear).doesNotContain(lower);
            assertThat(searched.toLowerCase(Locale.ROOT)).as("search answer holds " + clear).doesNotContain(lower);
        }
    }

    @Test
    @Order(13)
    void anEditedEntryIsSeenInPlaceAndOffline() throws Exception {
        String original = db.queryForObject("SELECT error_code FROM audit_entry WHERE seq = 2", String.class);
        db.update("UPDATE audit_entry SET error_code = 'X' WHERE seq = 2");
        try {
            JsonNode result = verify();
            assertThat(result.path("valid").asBoolean()).isFalse();
            assertThat(result.path("code").asString()).isEqualTo("GW-AUDIT-001");
            assertThat(result.path("reason").asString()).isNotBlank();
            assertOfflineVerifierRefusesTheExport("GW-AUDIT-001");
        } finally {
            db.update("UPDATE audit_entry SET error_code = ? WHERE seq = 2", original);
        }
        assertThat(verify().path("valid").asBoolean()).isTrue();
    }

    @Test
    @Order(14)
    void anEntryOfAnotherNodeWrittenIntoTheChainIsSeenAsInsertedInPlaceAndOffline() throws Exception {
        ChainedEntry original = exportedEntry(4);
        // Hashed as CD-25 would have: the entry itself is consistent, but it is not this node's.
        ChainedEntry forged = AuditChain.link(4, PEER, original.entry(), original.previousHash());
        db.update("UPDATE audit_entry SET node = ?, entry_hash = ? WHERE seq = 4", PEER, forged.hash());
        try {
            JsonNode result = verify();
            assertThat(result.path("valid").asBoolean()).isFalse();
            assertThat(result.path("code").asString()).isEqualTo("GW-AUDIT-003");
            assertThat(result.path("detail").asString()).contains("entry seq 4 was written by " + PEER);
            assertOfflineVerifierRefusesTheExport("GW-AUDIT-003");
        } finally {
            db.update("UPDATE audit_entry SET node = ?, entry_hash = ? WHERE seq = 4", NODE, original.hash());
        }
        assertThat(verify().path("valid").asBoolean()).isTrue();
    }

    @Test
    @Order(15)
    void twoEntriesSwappedAreSeenAsReorderedInPlaceAndOffline() throws Exception {
        swapSeqs(6, 7);
        try {
            JsonNode result = verify();
            assertThat(result.path("valid").asBoolean()).isFalse();
            assertThat(result.path("code").asString()).isEqualTo("GW-AUDIT-004");
            assertThat(result.path("detail").asString()).contains("entry seq 6 was written as entry seq 7");
            assertOfflineVerifierRefusesTheExport("GW-AUDIT-004");
        } finally {
            swapSeqs(6, 7);
        }
        assertThat(verify().path("valid").asBoolean()).isTrue();
    }

    @Test
    @Order(16)
    void aCheckpointWithABadSignatureIsSeenInPlaceAndOffline() throws Exception {
        long seq = db.queryForObject("SELECT MIN(seq) FROM audit_checkpoint", Long.class);
        byte[] signature = db.queryForObject("SELECT signature FROM audit_checkpoint WHERE seq = ?", byte[].class, seq);
        byte[] flipped = signature.clone();
        flipped[flipped.length - 10] ^= 0x01;
        db.update("UPDATE audit_checkpoint SET signature = ? WHERE seq = ?", flipped, seq);
        try {
            JsonNode result = verify();
            assertThat(result.path("valid").asBoolean()).isFalse();
            assertThat(result.path("code").asString()).isEqualTo("GW-AUDIT-006");
            assertThat(result.path("detail").asString()).contains("checkpoint of seq " + seq);
            assertOfflineVerifierRefusesTheExport("GW-AUDIT-006");
        } finally {
            db.update("UPDATE audit_checkpoint SET signature = ? WHERE seq = ?", signature, seq);
        }
        assertThat(verify().path("valid").asBoolean()).isTrue();
    }

    @Test
    @Order(17)
    void entriesRemovedAfterACheckpointAreSeenAsTruncatedInPlace() throws Exception {
        verify();
        ChainedAuditTrail trail = node.getBean(ChainedAuditTrail.class);
        trail.stop(); // no timed checkpoint while the table is cut and mended; appends are still written, by their caller
        long head = maxSeq();
        String headHash = db.queryForObject("SELECT entry_hash FROM audit_entry WHERE seq = ?", String.class, head);
        long lastSigned = db.queryForObject("SELECT MAX(seq) FROM audit_checkpoint", Long.class);
        // The cut: after a checkpoint (one not followed by another at the next seq), the head put back to it, so that
        // the entries written next follow on; the checkpoints signed after it are left.
        long kept = db.queryForObject("""
                SELECT MAX(c.seq) FROM audit_checkpoint c
                WHERE c.seq < ? AND NOT EXISTS (SELECT 1 FROM audit_checkpoint d WHERE d.seq = c.seq + 1)""", Long.class, head - 2);
        List<Map<String, Object>> entries = db.queryForList("SELECT * FROM audit_entry WHERE seq > ? ORDER BY seq", kept);
        List<Map<String, Object>> checkpoints = db.queryForList("SELECT * FROM audit_checkpoint WHERE seq > ? ORDER BY seq", kept);
        try {
            db.update("DELETE FROM audit_entry WHERE seq > ?", kept);
            db.update("UPDATE audit_head SET seq = ?, head_hash = (SELECT entry_hash FROM audit_entry WHERE seq = ?) WHERE id = 1", kept, kept);

            JsonNode result = verify();
            assertThat(result.path("valid").asBoolean()).as(result.toString()).isFalse();
            assertThat(result.path("code").asString()).isEqualTo("GW-AUDIT-005");
            // The read of the log that asked for this verification is the entry after the cut.
            assertThat(result.path("detail").asString()).contains("the log ends at entry seq " + (kept + 1),
                    "the node signed its chain up to seq " + lastSigned);
            // (An export file cut after a checkpoint is truncated for the offline verifier: AuditChainVerifierTest.)
        } finally {
            db.update("DELETE FROM audit_entry WHERE seq > ?", kept);
            db.update("DELETE FROM audit_checkpoint WHERE seq > ?", kept);
            entries.forEach(row -> insert("audit_entry", row));
            checkpoints.forEach(row -> insert("audit_checkpoint", row));
            db.update("UPDATE audit_head SET seq = ?, head_hash = ? WHERE id = 1", head, headHash);
            trail.start();
        }
        assertThat(verify().path("valid").asBoolean()).isTrue();
    }

    @Test
    @Order(18)
    void aDeletedEntryIsSeenInPlaceAndOffline() throws Exception {
        db.update("DELETE FROM audit_entry WHERE seq = 3");
        JsonNode result = verify();
        assertThat(result.path("valid").asBoolean()).isFalse();
        assertThat(result.path("code").asString()).isEqualTo("GW-AUDIT-002");
        assertOfflineVerifierRefusesTheExport("GW-AUDIT-002");
    }

    @Test
    @Order(19)
    void deadLettersAreListedAndResubmittedThroughTheApiByAnOfficerOnly() throws Exception {
        assertProblem(send("GET", "/api/v1/dead-letters", bearer, null, null), 403, "GW-API-002");
        assertProblem(send("POST", "/api/v1/dead-letters/" + undeliverableId + "/resubmit", bearer, null, null), 403, "GW-API-002");

        JsonNode listed = json(send("GET", "/api/v1/dead-letters", officer, null, null));
        assertThat(listed).anySatisfy(letter -> {
            assertThat(letter.path("messageId").asString()).isEqualTo(undeliverableId);
            assertThat(letter.path("errorCode").asString()).isEqualTo("GW-EXCHANGE-008");
            assertThat(letter.path("resubmittable").asBoolean()).isTrue();
        });

        // The software sending the failed message again is told it failed, not that it was accepted.
        HttpResponse<byte[]> sentAgain = send("POST", "/api/v1/messages", bearer, undeliverableXml, "application/xml");
        assertProblem(sentAgain, 409, "GW-API-015");
        assertThat(json(sentAgain).path("detail").asString()).contains("GW-EXCHANGE-008", "dead letters");

        HttpResponse<byte[]> resubmitted = send("POST", "/api/v1/dead-letters/" + undeliverableId + "/resubmit", officer, null, null);
        assertThat(resubmitted.statusCode()).as(text(resubmitted)).isEqualTo(202);
        assertThat(json(resubmitted).path("status").asString()).isEqualTo("ACCEPTED");
        // CD-25 still does not run: tried again, dead-lettered again, each step on the record.
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(stepsOf(undeliverableId))
                .containsSubsequence("DEAD_LETTERED", "RESUBMITTED", "SENT", "DEAD_LETTERED"));

        assertProblem(send("POST", "/api/v1/dead-letters/" + receivedId + "/resubmit", officer, null, null), 409, "GW-API-008");
        // An id that cannot be one: malformed, not unknown.
        assertProblem(send("POST", "/api/v1/dead-letters/not-an-id/resubmit", officer, null, null), 400, "GW-API-009");
        // A list's limit out of range is refused, not quietly changed.
        assertProblem(send("GET", "/api/v1/dead-letters?limit=0", officer, null, null), 400, "GW-API-009");
        HttpResponse<byte[]> tooMany = send("GET", "/api/v1/inbox?limit=1001", bearer, null, null);
        assertProblem(tooMany, 400, "GW-API-009");
        assertThat(json(tooMany).path("detail").asString()).contains("1 to 1000");
        assertProblem(send("GET", "/api/v1/audit/exchanges/not-an-id", officer, null, null), 400, "GW-API-009");
        // A mistyped filter is refused, not ignored (which would widen the search), in the query as in a posted form.
        HttpResponse<byte[]> mistyped = send("GET", "/api/v1/audit?stepp=REFUSED", officer, null, null);
        assertProblem(mistyped, 400, "GW-API-009");
        assertThat(json(mistyped).path("detail").asString()).contains("unknown filter 'stepp'", "step, outcome");
        assertProblem(send("POST", "/api/v1/audit/search", officer, "persn=x".getBytes(StandardCharsets.UTF_8),
                "application/x-www-form-urlencoded"), 400, "GW-API-009");
        // A step that does not exist is said so, not answered with nothing (which reads as "this never happened").
        HttpResponse<byte[]> noSuchStep = send("GET", "/api/v1/audit?step=log_read", officer, null, null);
        assertProblem(noSuchStep, 400, "GW-API-009");
        assertThat(json(noSuchStep).path("detail").asString()).contains("LOG_READ");
        // A date a database cannot hold, and a form that is not percent-encoded UTF-8: refused, not failed.
        assertProblem(send("GET", "/api/v1/audit?from=%2B1000000000-01-01T00:00:00Z", officer, null, null), 400, "GW-API-009");
        assertProblem(send("POST", "/api/v1/audit/search", officer, "code=%C0".getBytes(StandardCharsets.UTF_8),
                "application/x-www-form-urlencoded"), 400, "GW-API-009");
    }

    /** Last: it leaves the officer's logins locked. */
    @Test
    @Order(20)
    void repeatedFailedLoginsLockTheOfficersLoginsForAWhileTheRightPasswordToo() throws Exception {
        String password = Files.readString(CERTS_DEV.resolve(NODE).resolve("officer.password"), StandardCharsets.UTF_8).strip();
        // Each name is counted on its own, whether an officer has it or not: after five failures it is refused unchecked.
        for (int i = 0; i < 5; i++) {
            assertProblem(send("GET", "/api/v1/audit", basic("root", "guess-" + i), null, null), 401, "GW-API-001");
        }
        HttpResponse<byte[]> refused = send("GET", "/api/v1/audit", basic("root", "guess"), null, null);
        assertProblem(refused, 429, "GW-API-013");
        assertThat(refused.headers().firstValue("Retry-After")).hasValueSatisfying(
                seconds -> assertThat(Long.parseLong(seconds)).isBetween(1L, 901L));
        assertProblem(send("GET", "/api/v1/audit", basic("admin", "guess"), null, null), 401, "GW-API-001");
        assertThat(send("GET", "/api/v1/audit", officer, null, null).statusCode()).isEqualTo(200);

        // The officer's own count: a successful login clears it.
        for (int i = 0; i < 4; i++) {
            assertProblem(send("GET", "/api/v1/audit", basic("officer", "guess-" + i), null, null), 401, "GW-API-001");
        }
        assertThat(send("GET", "/api/v1/audit", officer, null, null).statusCode()).isEqualTo(200);
        for (int i = 0; i < 5; i++) {
            assertProblem(send("GET", "/api/v1/audit", basic("officer", "guess-" + i), null, null), 401, "GW-API-001");
        }
        // Locked: the right password is refused as well, over Basic and on the login form, which says why.
        assertProblem(send("GET", "/api/v1/audit", officer, null, null), 429, "GW-API-013");
        // However the header or the form spells the name, as Spring Security reads it.
        String encoded = Base64.getEncoder().encodeToString(("OFFICER:" + password).getBytes(StandardCharsets.UTF_8));
        for (String header : List.of("basic " + encoded, "Basic\t" + encoded, "  Basic " + encoded + "  ")) {
            assertProblem(send("GET", "/api/v1/audit", header, null, null), 429, "GW-API-013");
        }
        HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(localApi.resolve("/login")).build(), HttpResponse.BodyHandlers.ofString());
        String cookie = page.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
        Matcher csrf = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(page.body());
        assertThat(csrf.find()).as("CSRF token in the login form").isTrue();
        String form = "username=%20officer%20&password=" + URLEncoder.encode(password, StandardCharsets.UTF_8) + "&_csrf="
                + URLEncoder.encode(csrf.group(1), StandardCharsets.UTF_8);
        HttpResponse<String> login = HTTP.send(HttpRequest.newBuilder(localApi.resolve("/login")).header("Cookie", cookie)
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(login.statusCode()).isEqualTo(302);
        assertThat(login.headers().firstValue("Location").orElseThrow()).endsWith("/login?locked");
        assertThat(login.headers().firstValue("Retry-After")).isPresent();
        String lockedPage = HTTP.send(HttpRequest.newBuilder(localApi.resolve("/login?locked")).header("Cookie", cookie).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(lockedPage).contains("Too many failed sign-ins").contains("<span>15</span> minutes");
    }

    // ---------------------------------------------------------------------------------------------

    private void assertOfflineVerifierRefusesTheExport(String code) throws Exception {
        HttpResponse<byte[]> export = send("GET", "/api/v1/audit/export", officer, null, null);
        assertThat(export.statusCode()).isEqualTo(200);
        assertThatThrownBy(() -> AuditChainVerifier.verify(new ByteArrayInputStream(export.body()),
                KeyMaterial.fromCertsDev(CERTS_DEV, NODE).signingCertificate()))
                .isInstanceOfSatisfying(AuditVerificationException.class, e -> assertThat(e.code().code()).isEqualTo(code));
    }

    private static AuditEntry correlated(Instant at, AuditStep step, String messageId, String correlationId) {
        return new AuditEntry(at, step, messageId, correlationId, "REFERRAL_RESPONSE", PEER, NODE, "ACCOMPAGNEMENT_GLOBAL", Set.of(),
                null, null, null, null, null);
    }

    private long checkpointAt(long seq) {
        return db.queryForObject("SELECT COUNT(*) FROM audit_checkpoint WHERE seq = ?", Long.class, seq);
    }

    /** The entry of that seq as the export gives it. */
    private ChainedEntry exportedEntry(long seq) throws Exception {
        return text(send("GET", "/api/v1/audit/export", officer, null, null)).lines().map(AuditExportFormat::parse)
                .filter(ChainedEntry.class::isInstance).map(ChainedEntry.class::cast).filter(e -> e.seq() == seq).findFirst().orElseThrow();
    }

    /** Gives each of two rows the other's seq, as someone reordering the table would. */
    private void swapSeqs(long a, long b) {
        db.update("UPDATE audit_entry SET seq = -1 WHERE seq = ?", a);
        db.update("UPDATE audit_entry SET seq = ? WHERE seq = ?", a, b);
        db.update("UPDATE audit_entry SET seq = ? WHERE seq = -1", b);
    }

    private void insert(String table, Map<String, Object> row) {
        List<String> columns = new ArrayList<>(row.keySet());
        db.update("INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES (" + "?, ".repeat(columns.size() - 1) + "?)",
                columns.stream().map(row::get).toArray());
    }

    private JsonNode verify() throws Exception {
        HttpResponse<byte[]> answer = send("GET", "/api/v1/audit/verify", officer, null, null);
        assertThat(answer.statusCode()).isEqualTo(200);
        return json(answer);
    }

    private JsonNode search(String query) throws Exception {
        HttpResponse<byte[]> answer = send("GET", "/api/v1/audit?" + query, officer, null, null);
        assertThat(answer.statusCode()).as(query + ": " + text(answer)).isEqualTo(200);
        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        return json(answer);
    }

    private List<String> stepsOf(String messageId) {
        return db.queryForList("SELECT step FROM audit_entry WHERE message_id = ? ORDER BY seq", String.class, messageId);
    }

    private long logReads() {
        return db.queryForObject("SELECT COUNT(*) FROM audit_entry WHERE step = 'LOG_READ'", Long.class);
    }

    private List<String> logReadsAfter(long seq) {
        return db.queryForList("SELECT actor FROM audit_entry WHERE step = 'LOG_READ' AND seq > ? ORDER BY seq", String.class, seq);
    }

    private long maxSeq() {
        return db.queryForObject("SELECT COALESCE(MAX(seq), 0) FROM audit_entry", Long.class);
    }

    private static List<Long> longs(JsonNode search, String member) {
        List<Long> values = new ArrayList<>();
        search.path("entries").forEach(e -> values.add(e.path(member).asLong()));
        return values;
    }

    private static List<String> strings(JsonNode search, String member) {
        List<String> values = new ArrayList<>();
        search.path("entries").forEach(e -> values.add(e.path(member).isNull() ? null : e.path(member).asString()));
        return values;
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(e -> values.add(e.asString()));
        return values;
    }

    private static byte[] personReportBody(String franceTravailId) {
        return ("{\"franceTravailId\":\"" + franceTravailId + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private HttpResponse<byte[]> send(String method, String path, String authorization, byte[] body, String contentType)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(localApi.resolve(path)).timeout(Duration.ofSeconds(30));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static void assertProblem(HttpResponse<byte[]> answer, int status, String code) {
        assertThat(answer.statusCode()).as(answer.uri() + ": " + text(answer)).isEqualTo(status);
        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(json(answer).path("code").asString()).isEqualTo(code);
    }

    private static JsonNode json(HttpResponse<byte[]> answer) {
        return JSON.readTree(answer.body());
    }

    private static String text(HttpResponse<byte[]> answer) {
        return new String(answer.body(), StandardCharsets.UTF_8);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Posts an envelope to FT-25's inter-node endpoint over mutual TLS as {@code tlsIdentity}. */
    private HttpResponse<byte[]> postEnvelope(String tlsIdentity, String messageId, byte[] envelope) throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(tlsContext(tlsIdentity)).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + exchangePort + "/exchange/v1/envelopes"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/cms")
                .header("Liaison-Message-Id", messageId)
                .POST(HttpRequest.BodyPublishers.ofByteArray(envelope))
                .build();
        return client.send(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    private static SSLContext tlsContext(String participantId) throws Exception {
        return DevTls.clientContext(CERTS_DEV, participantId);
    }
}
