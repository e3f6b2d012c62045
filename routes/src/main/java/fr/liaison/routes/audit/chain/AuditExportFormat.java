package fr.liaison.routes.audit.chain;

import fr.liaison.routes.audit.AuditEntry;
import fr.liaison.routes.audit.AuditStep;
import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON Lines export of a node's audit chain: one record per line, entries in seq order, each
 * checkpoint after the entry it signs, the last line the checkpoint of the last entry. Lines are
 * compact JSON written by this class only (the same writer as {@link AuditChain#canonical}):
 * <pre>
 * {"kind":"entry","seq":1,"node":"FT-29","at":…,"step":…,…,"personHash":…,"previousHash":"…","hash":"…","algorithm":"SHA-256"}
 * {"kind":"checkpoint","seq":1,"hash":"…","at":"…","node":"FT-29","signature":"&lt;base64 DER&gt;"}
 * </pre>
 * An entry line holds every member of {@link AuditChain#canonical}, in the same order, between
 * {@code kind} and {@code previousHash}.
 *
 * <p>{@link #parse} accepts exactly what {@link #line} writes: the same members in the same order,
 * nothing else, the same escapes and number forms, {@code at} with six fractional digits,
 * lowercase hex digests, padded standard base64. Any other line, even one meaning the same thing,
 * is AUDIT_MALFORMED: one record has one encoding.
 */
public final class AuditExportFormat {

    static final List<String> ENTRY_MEMBERS = List.of("kind", "seq", "node", "at", "step", "messageId",
            "correlationId", "messageType", "sender", "recipient", "purpose", "dataCategories", "consentId",
            "payloadDigest", "errorCode", "actor", "personHash", "previousHash", "hash", "algorithm");

    static final List<String> CHECKPOINT_MEMBERS = List.of("kind", "seq", "hash", "at", "node", "signature");

    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private AuditExportFormat() {
    }

    /** The export line of an entry, without the line break. */
    public static String line(ChainedEntry e) {
        JsonText json = new JsonText().string("kind", "entry").number("seq", e.seq()).string("node", e.node());
        return AuditChain.members(json, e.entry())
                .string("previousHash", e.previousHash())
                .string("hash", e.hash())
                .string("algorithm", AuditChain.ALGORITHM)
                .text();
    }

    /** The export line of a checkpoint, without the line break. */
    public static String line(Checkpoint c) {
        return new JsonText().string("kind", "checkpoint").number("seq", c.seq()).string("hash", c.hash())
                .string("at", JsonText.time(c.at())).string("node", c.node())
                .string("signature", Base64.getEncoder().encodeToString(c.signature()))
                .text();
    }

    /** The line of either kind of record. */
    public static String line(AuditRecord record) {
        return record instanceof ChainedEntry e ? line(e) : line((Checkpoint) record);
    }

    /**
     * Reads one export line (without its line break). The hash chain and the signature are not
     * checked here: that is {@link AuditChainVerifier}'s job.
     *
     * @return a {@link ChainedEntry} or a {@link Checkpoint}
     * @throws LiaisonException AUDIT_MALFORMED, the detail saying what is wrong (never a value)
     */
    public static AuditRecord parse(String line) {
        if (line == null || line.isEmpty()) {
            throw malformed("empty line");
        }
        AuditRecord record;
        try {
            JsonNode node = JSON.readTree(line);
            if (node == null || !node.isObject()) {
                throw malformed("not a JSON object");
            }
            String kind = string(node, "kind");
            if ("entry".equals(kind)) {
                members(node, ENTRY_MEMBERS, "an entry");
                record = entry(node);
            } else if ("checkpoint".equals(kind)) {
                members(node, CHECKPOINT_MEMBERS, "a checkpoint");
                record = checkpoint(node);
            } else {
                throw malformed("kind must be \"entry\" or \"checkpoint\"");
            }
        } catch (LiaisonException e) {
            throw e;
        } catch (RuntimeException e) { // JacksonException included: Jackson 3 exceptions are unchecked
            throw malformed("not JSON, or a member of the wrong type");
        }
        String canonical;
        try {
            canonical = line(record);
        } catch (IllegalArgumentException e) {
            throw malformed("a string cannot be encoded in UTF-8");
        }
        // One encoding only: whitespace, escapes, number forms or category order that differ are refused.
        if (!canonical.equals(line)) {
            throw malformed("not in the export's canonical form");
        }
        return record;
    }

    private static ChainedEntry entry(JsonNode node) {
        if (!AuditChain.ALGORITHM.equals(string(node, "algorithm"))) {
            throw malformed("algorithm must be " + AuditChain.ALGORITHM);
        }
        long seq = seq(node, 1);
        AuditStep step;
        try {
            step = AuditStep.valueOf(required(node, "step"));
        } catch (IllegalArgumentException e) {
            throw malformed("unknown step");
        }
        AuditEntry entry = new AuditEntry(time(node), step, string(node, "messageId"), string(node, "correlationId"),
                string(node, "messageType"), string(node, "sender"), string(node, "recipient"), string(node, "purpose"),
                categories(node), string(node, "consentId"), string(node, "payloadDigest"), string(node, "errorCode"),
                string(node, "actor"), string(node, "personHash"));
        return new ChainedEntry(seq, required(node, "node"), entry, digest(node, "previousHash"), digest(node, "hash"));
    }

    private static Checkpoint checkpoint(JsonNode node) {
        byte[] signature;
        try {
            signature = Base64.getDecoder().decode(required(node, "signature"));
        } catch (IllegalArgumentException e) {
            throw malformed("signature is not base64");
        }
        if (signature.length > Checkpoints.MAX_SIGNATURE_BYTES) {
            throw malformed("signature longer than " + Checkpoints.MAX_SIGNATURE_BYTES + " bytes");
        }
        return new Checkpoint(seq(node, 0), digest(node, "hash"), time(node), required(node, "node"), signature);
    }

    private static void members(JsonNode node, List<String> expected, String what) {
        if (node.size() != expected.size() || !List.copyOf(node.propertyNames()).equals(expected)) {
            throw malformed("members are not those of " + what + ", in order");
        }
    }

    private static long seq(JsonNode node, long min) {
        JsonNode value = node.get("seq");
        if (value == null || !value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < min) {
            throw malformed("seq must be an integer from " + min);
        }
        return value.longValue();
    }

    private static Instant time(JsonNode node) {
        try {
            return JsonText.TIME.parse(required(node, "at"), Instant::from);
        } catch (DateTimeParseException e) {
            throw malformed("at must be an ISO-8601 UTC time with six fractional digits");
        }
    }

    private static String digest(JsonNode node, String member) {
        String value = required(node, member);
        if (!AuditChain.isDigest(value)) {
            throw malformed(member + " must be 64 lowercase hex characters");
        }
        return value;
    }

    private static Set<String> categories(JsonNode node) {
        JsonNode value = node.get("dataCategories");
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isArray()) {
            throw malformed("dataCategories must be an array");
        }
        List<String> categories = new ArrayList<>(value.size());
        for (JsonNode category : value.values()) {
            if (!category.isString()) {
                throw malformed("dataCategories must hold strings");
            }
            categories.add(category.stringValue());
        }
        return new LinkedHashSet<>(categories);
    }

    private static String required(JsonNode node, String member) {
        String value = string(node, member);
        if (value == null) {
            throw malformed(member + " is required");
        }
        return value;
    }

    private static String string(JsonNode node, String member) {
        JsonNode value = node.get(member);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isString()) {
            throw malformed(member + " must be a string");
        }
        return value.stringValue();
    }

    private static LiaisonException malformed(String detail) {
        return new LiaisonException(ErrorCode.AUDIT_MALFORMED, detail);
    }
}
