package fr.liaison.routes.audit.chain;

import fr.liaison.routes.audit.AuditEntry;
import fr.liaison.routes.audit.AuditStep;
import fr.liaison.routes.keys.Fingerprints;
import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;

import java.nio.charset.StandardCharsets;
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
 * checkpoint after the entry it signs, then the checkpoint of the last entry and, last, the
 * export's signed end. Lines are
 * compact JSON written by this class only (the same writer as {@link AuditChain#canonical}):
 * <pre>
 * {"kind":"entry","seq":1,"node":"FT-29","at":…,"step":…,…,"personHash":…,"previousHash":"…","hash":"…","algorithm":"SHA-256"}
 * {"kind":"checkpoint","seq":1,"hash":"…","at":"…","node":"FT-29","signer":"&lt;SHA-256 of the certificate&gt;","signature":"&lt;base64 DER&gt;"}
 * {"kind":"end","seq":1,"hash":"…","at":"…","node":"FT-29","signer":"…","signature":"…"}
 * </pre>
 * The last line of an export made by a node is its signed end ({@link Checkpoint#exportEnd}):
 * the members of a checkpoint, {@code signer} always present.
 * An entry line holds every member of {@link AuditChain#canonical}, in the same order, between
 * {@code kind} and {@code previousHash}. A checkpoint line names the certificate whose key signed
 * it ({@code signer}, lowercase hex SHA-256 of its DER), so that an export spanning a key rollover
 * says which certificate verifies each checkpoint; checkpoints made before they named their key
 * have no {@code signer} member, and exports of that time still read.
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

    static final List<String> CHECKPOINT_MEMBERS = List.of("kind", "seq", "hash", "at", "node", "signer", "signature");

    /** A checkpoint that does not name its signing certificate. */
    static final List<String> UNNAMED_CHECKPOINT_MEMBERS = List.of("kind", "seq", "hash", "at", "node", "signature");

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
        JsonText json = new JsonText().string("kind", c.exportEnd() ? "end" : "checkpoint").number("seq", c.seq()).string("hash", c.hash())
                .string("at", JsonText.time(c.at())).string("node", c.node());
        if (c.signer() != null) {
            json.string("signer", c.signer());
        }
        return json.string("signature", Base64.getEncoder().encodeToString(c.signature())).text();
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
        AuditRecord fast = Canonical.read(line);
        if (fast != null) {
            return fast;
        }
        return parseTree(line);
    }

    /**
     * The bytes {@link AuditChain#canonical} gives for the entry of {@code entryLine}, cut from the
     * line itself: an entry line is {@code {"kind":"entry",} + the canonical members +
     * {@code ,"previousHash":"…","hash":"…","algorithm":"SHA-256"}}. Only for a line that
     * {@link #parse} returned a {@link ChainedEntry} for (it then equals {@link #line} of it).
     */
    static byte[] canonicalOf(String entryLine) {
        int end = entryLine.length() - ENTRY_SUFFIX_LENGTH;
        StringBuilder canonical = new StringBuilder(end - ENTRY_PREFIX.length() + 2);
        canonical.append('{').append(entryLine, ENTRY_PREFIX.length(), end).append('}');
        return canonical.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static final String ENTRY_PREFIX = "{\"kind\":\"entry\",";

    /** {@code ,"previousHash":"<64>","hash":"<64>","algorithm":"SHA-256"}} */
    private static final int ENTRY_SUFFIX_LENGTH = ",\"previousHash\":\"".length() + 64 + "\",\"hash\":\"".length() + 64
            + "\",\"algorithm\":\"".length() + AuditChain.ALGORITHM.length() + "\"}".length();

    /** The reference reading: a Jackson tree, every member checked, then the canonical form compared. */
    private static AuditRecord parseTree(String line) {
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
                members(node, node.has("signer") ? CHECKPOINT_MEMBERS : UNNAMED_CHECKPOINT_MEMBERS, "a checkpoint");
                record = checkpoint(node, false);
            } else if ("end".equals(kind)) {
                members(node, CHECKPOINT_MEMBERS, "an export's end");
                record = checkpoint(node, true);
            } else {
                throw malformed("kind must be \"entry\", \"checkpoint\" or \"end\"");
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

    private static Checkpoint checkpoint(JsonNode node, boolean exportEnd) {
        byte[] signature;
        try {
            signature = Base64.getDecoder().decode(required(node, "signature"));
        } catch (IllegalArgumentException e) {
            throw malformed("signature is not base64");
        }
        if (signature.length > Checkpoints.MAX_SIGNATURE_BYTES) {
            throw malformed("signature longer than " + Checkpoints.MAX_SIGNATURE_BYTES + " bytes");
        }
        String signer = null;
        if (node.has("signer")) {
            signer = required(node, "signer");
            if (!Fingerprints.isFingerprint(signer)) {
                throw malformed("signer must be 64 lowercase hex characters");
            }
        }
        return new Checkpoint(seq(node, 0), digest(node, "hash"), time(node), required(node, "node"), signer, signature, exportEnd);
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

    /**
     * The fast reading of a line in the export's canonical form: one pass over the characters,
     * members expected in order, no tree. It gives up (null) at the first thing it does not expect,
     * and {@link #parse} then reads the line the reference way, which says what is wrong. It returns
     * a record only after the same checks as {@link #parseTree} (seq range, step, time, digests,
     * algorithm, base64 and length of the signature) and only if {@link #line} of that record is the
     * line itself: the writer encodes every distinct record differently, so the record is the one
     * the reference reading gives, and every line it accepts, the reference reading accepts.
     */
    private static final class Canonical {

        private final String line;
        private int at;

        private Canonical(String line) {
            this.line = line;
        }

        static AuditRecord read(String line) {
            try {
                AuditRecord record = new Canonical(line).record();
                return record != null && line(record).equals(line) ? record : null;
            } catch (RuntimeException e) { // unknown step, bad time or base64, unencodable string: the reference reading says which
                return null;
            }
        }

        private AuditRecord record() {
            if (line.startsWith(ENTRY_PREFIX)) {
                at = ENTRY_PREFIX.length();
                return entry();
            }
            if (line.startsWith(CHECKPOINT_PREFIX)) {
                at = CHECKPOINT_PREFIX.length();
                return checkpoint(false);
            }
            if (line.startsWith(END_PREFIX)) {
                at = END_PREFIX.length();
                return checkpoint(true);
            }
            return null;
        }

        private ChainedEntry entry() {
            long seq = number("seq", false);
            String node = string("node", true);
            String time = string("at", true);
            String step = string("step", true);
            String messageId = string("messageId", true);
            String correlationId = string("correlationId", true);
            String messageType = string("messageType", true);
            String sender = string("sender", true);
            String recipient = string("recipient", true);
            String purpose = string("purpose", true);
            if (!member("dataCategories", true)) {
                return null;
            }
            Set<String> categories = categories();
            String consentId = string("consentId", true);
            String payloadDigest = string("payloadDigest", true);
            String errorCode = string("errorCode", true);
            String actor = string("actor", true);
            String personHash = string("personHash", true);
            String previousHash = string("previousHash", true);
            String hash = string("hash", true);
            String algorithm = string("algorithm", true);
            if (seq < 1 || node == null || time == null || step == null || !AuditChain.isDigest(previousHash)
                    || !AuditChain.isDigest(hash) || !AuditChain.ALGORITHM.equals(algorithm) || !end()) {
                return null;
            }
            AuditEntry entry = new AuditEntry(JsonText.TIME.parse(time, Instant::from), AuditStep.valueOf(step), messageId,
                    correlationId, messageType, sender, recipient, purpose, categories, consentId, payloadDigest, errorCode,
                    actor, personHash);
            return new ChainedEntry(seq, node, entry, previousHash, hash);
        }

        private Checkpoint checkpoint(boolean exportEnd) {
            long seq = number("seq", false);
            String hash = string("hash", true);
            String time = string("at", true);
            String node = string("node", true);
            String signer = null;
            if (at >= 0 && line.startsWith(",\"signer\":", at)) {
                signer = string("signer", true);
                if (!Fingerprints.isFingerprint(signer)) {
                    return null;
                }
            }
            String signature = string("signature", true);
            if (exportEnd && signer == null) {
                return null;
            }
            if (seq < 0 || !AuditChain.isDigest(hash) || time == null || node == null || signature == null || !end()) {
                return null;
            }
            byte[] der = Base64.getDecoder().decode(signature);
            if (der.length > Checkpoints.MAX_SIGNATURE_BYTES) {
                return null;
            }
            return new Checkpoint(seq, hash, JsonText.TIME.parse(time, Instant::from), node, signer, der, exportEnd);
        }

        /** {@code ,"name":} (no comma for the first member after kind); false if not there. */
        private boolean member(String name, boolean comma) {
            int length = name.length();
            int next = at + (comma ? 1 : 0);
            if (next + length + 3 > line.length() || (comma && line.charAt(at) != ',') || line.charAt(next) != '"'
                    || !line.regionMatches(next + 1, name, 0, length) || line.charAt(next + 1 + length) != '"'
                    || line.charAt(next + 2 + length) != ':') {
                return false;
            }
            at = next + length + 3;
            return true;
        }

        /** A non-negative integer of at most 18 digits, -1 if the member is not that. */
        private long number(String name, boolean comma) {
            if (!member(name, comma)) {
                return -1;
            }
            long value = 0;
            int start = at;
            while (at < line.length() && at - start < 18) {
                char c = line.charAt(at);
                if (c < '0' || c > '9') {
                    break;
                }
                value = value * 10 + (c - '0');
                at++;
            }
            return at == start ? -1 : value;
        }

        /** The string or null of the member; null also when it is not there (then end() fails). */
        private String string(String name, boolean comma) {
            if (at < 0 || !member(name, comma)) {
                at = -1;
                return null;
            }
            if (line.startsWith("null", at)) {
                at += 4;
                return null;
            }
            String value = quoted();
            if (value == null) {
                at = -1;
            }
            return value;
        }

        private Set<String> categories() {
            if (at < 0) {
                return null;
            }
            if (line.startsWith("null", at)) {
                at += 4;
                return null;
            }
            if (at >= line.length() || line.charAt(at) != '[') {
                at = -1;
                return null;
            }
            at++;
            Set<String> categories = new LinkedHashSet<>();
            if (at < line.length() && line.charAt(at) == ']') {
                at++;
                return categories;
            }
            while (true) {
                String category = quoted();
                if (category == null || at >= line.length()) {
                    at = -1;
                    return null;
                }
                categories.add(category);
                char c = line.charAt(at++);
                if (c == ']') {
                    return categories;
                }
                if (c != ',') {
                    at = -1;
                    return null;
                }
            }
        }

        /** A JSON string at the cursor, with the escapes the writer uses; null if it is not one. */
        private String quoted() {
            if (at >= line.length() || line.charAt(at) != '"') {
                return null;
            }
            int start = ++at;
            while (at < line.length()) {
                char c = line.charAt(at);
                if (c == '"') {
                    return line.substring(start, at++);
                }
                if (c == '\\') {
                    return escaped(start);
                }
                if (c < 0x20) {
                    return null;
                }
                at++;
            }
            return null;
        }

        private String escaped(int start) {
            StringBuilder value = new StringBuilder(line.length() - start).append(line, start, at);
            while (at < line.length()) {
                char c = line.charAt(at++);
                if (c == '"') {
                    return value.toString();
                }
                if (c < 0x20) {
                    return null;
                }
                if (c != '\\') {
                    value.append(c);
                    continue;
                }
                if (at >= line.length()) {
                    return null;
                }
                char e = line.charAt(at++);
                switch (e) {
                    case '"', '\\', '/' -> value.append(e);
                    case 'b' -> value.append('\b');
                    case 'f' -> value.append('\f');
                    case 'n' -> value.append('\n');
                    case 'r' -> value.append('\r');
                    case 't' -> value.append('\t');
                    case 'u' -> {
                        if (at + 4 > line.length()) {
                            return null;
                        }
                        int code = 0;
                        for (int i = 0; i < 4; i++) {
                            int digit = Character.digit(line.charAt(at++), 16);
                            if (digit < 0) {
                                return null;
                            }
                            code = code * 16 + digit;
                        }
                        value.append((char) code);
                    }
                    default -> {
                        return null;
                    }
                }
            }
            return null;
        }

        private boolean end() {
            return at == line.length() - 1 && line.charAt(at) == '}';
        }
    }

    private static final String CHECKPOINT_PREFIX = "{\"kind\":\"checkpoint\",";

    private static final String END_PREFIX = "{\"kind\":\"end\",";

    private static LiaisonException malformed(String detail) {
        return new LiaisonException(ErrorCode.AUDIT_MALFORMED, detail);
    }
}
