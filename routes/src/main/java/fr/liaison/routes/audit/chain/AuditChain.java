package fr.liaison.routes.audit.chain;

import fr.liaison.routes.audit.AuditEntry;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The hash chain of a node's audit log, in the style of X-Road's message log: each entry's hash
 * covers its own canonical encoding and the previous entry's hash, so changing, removing,
 * inserting or moving an entry changes every hash after it, up to the next signed
 * {@link Checkpoint}.
 *
 * <h2>Canonical encoding</h2>
 * {@link #canonical} is compact UTF-8 JSON with the members always present, in this order, null
 * written as {@code null}:
 * <pre>
 * {"seq":1,"node":"FT-29","at":"2026-11-23T06:21:22.123456Z","step":"ACCEPTED","messageId":…,
 *  "correlationId":…,"messageType":…,"sender":…,"recipient":…,"purpose":…,"dataCategories":[…],
 *  "consentId":…,"payloadDigest":…,"errorCode":…,"actor":…,"personHash":…}
 * </pre>
 * {@code dataCategories} is a sorted array (or null), {@code at} ISO-8601 UTC with exactly six
 * fractional digits, strings escaped as RFC 8785 does (see {@code JsonText}).
 *
 * <p><b>Time precision.</b> {@code at} is truncated to microseconds before it is encoded, because
 * H2 and PostgreSQL timestamps keep microseconds: an entry read back from the database must hash
 * as it did when it was written. Store the entry of the {@link ChainedEntry} that {@link #link}
 * returns (its {@code at} is already truncated), not the one passed in.
 *
 * <h2>Hash</h2>
 * {@code hash = hex(SHA-256(ASCII(previousHash) || SHA-256(canonical)))}, lowercase hex; the first
 * entry (seq 1) has {@link #GENESIS} as its previous hash.
 */
public final class AuditChain {

    /** The digest of the chain; exports name it on every entry. */
    public static final String ALGORITHM = "SHA-256";

    /** The previous hash of entry 1: 64 zeros. */
    public static final String GENESIS = "0".repeat(64);

    private static final Pattern HEX_DIGEST = Pattern.compile("[0-9a-f]{64}");

    private AuditChain() {
    }

    /** The bytes an entry's hash covers (see the class comment). */
    public static byte[] canonical(long seq, String node, AuditEntry entry) {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(entry, "entry");
        return members(new JsonText().number("seq", seq).string("node", node), entry).utf8();
    }

    /** Writes the entry's members, in canonical order, after whatever {@code json} already holds. */
    static JsonText members(JsonText json, AuditEntry e) {
        return json.string("at", JsonText.time(e.at()))
                .string("step", e.step().name())
                .string("messageId", e.messageId())
                .string("correlationId", e.correlationId())
                .string("messageType", e.messageType())
                .string("sender", e.sender())
                .string("recipient", e.recipient())
                .string("purpose", e.purpose())
                .strings("dataCategories", e.dataCategories())
                .string("consentId", e.consentId())
                .string("payloadDigest", e.payloadDigest())
                .string("errorCode", e.errorCode())
                .string("actor", e.actor())
                .string("personHash", e.personHash());
    }

    /**
     * The chain hash of an entry.
     *
     * @param previousHash 64 lowercase hex characters
     * @throws IllegalArgumentException if {@code previousHash} is not that
     */
    public static String hash(String previousHash, byte[] canonical) {
        return hash(previousHash, canonical, sha256());
    }

    /** {@link #hash} with a caller's digest, reset before use (a verifier reuses one). */
    static String hash(String previousHash, byte[] canonical, MessageDigest digest) {
        if (!isDigest(previousHash)) {
            throw new IllegalArgumentException("previous hash must be 64 lowercase hex characters");
        }
        digest.reset();
        byte[] entryDigest = digest.digest(canonical);
        digest.update(previousHash.getBytes(StandardCharsets.US_ASCII));
        digest.update(entryDigest);
        return HexFormat.of().formatHex(digest.digest());
    }

    /**
     * The entry placed after {@code previousHash} at {@code seq}, its time truncated to
     * microseconds.
     *
     * @throws IllegalArgumentException if seq is below 1, previousHash is not a hex SHA-256 digest,
     *         or a string holds an unpaired surrogate (it has no UTF-8 encoding)
     */
    public static ChainedEntry link(long seq, String node, AuditEntry entry, String previousHash) {
        if (seq < 1) {
            throw new IllegalArgumentException("seq starts at 1");
        }
        AuditEntry stored = entry.at().getNano() % 1_000 == 0 ? entry : truncated(entry);
        return new ChainedEntry(seq, node, stored, previousHash, hash(previousHash, canonical(seq, node, stored)));
    }

    static boolean isDigest(String hex) {
        return hex != null && HEX_DIGEST.matcher(hex).matches();
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance(ALGORITHM);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static AuditEntry truncated(AuditEntry e) {
        return new AuditEntry(e.at().truncatedTo(ChronoUnit.MICROS), e.step(), e.messageId(), e.correlationId(),
                e.messageType(), e.sender(), e.recipient(), e.purpose(), e.dataCategories(), e.consentId(),
                e.payloadDigest(), e.errorCode(), e.actor(), e.personHash());
    }
}
