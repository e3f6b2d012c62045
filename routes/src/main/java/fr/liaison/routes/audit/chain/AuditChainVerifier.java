package fr.liaison.routes.audit.chain;

import fr.liaison.routes.keys.Fingerprints;
import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Verifies a node's audit chain, record by record and in one pass with constant memory: the
 * JSON Lines export offline ({@link #verify(InputStream, X509Certificate)}), or the node's own
 * database in place ({@link #accept(AuditRecord)} for each entry and checkpoint in seq order, each
 * checkpoint after the entry it signs, then {@link #finish}). The only trust input is the node's
 * signing certificate, or its certificates when the chain spans a key rollover: each checkpoint
 * names the certificate it was signed with ({@link Checkpoint#signer}), and is verified with that
 * one of those given (a checkpoint that names none, from before checkpoints named their key, with
 * whichever given certificate verifies it). The first bad record ends verification with an
 * {@link AuditVerificationException} naming its code and line (position, in place).
 *
 * <h2>Where a chain may start</h2>
 * At entry 1, whose previous hash is {@link AuditChain#GENESIS}; or at a checkpoint (the
 * <em>anchor</em>) followed by the entry after the one it signs, which must link to the signed
 * hash; a range export therefore starts with the checkpoint just before its first entry. With
 * {@code allowUnanchoredStart}, a chain may also start at any entry, its previous hash taken as
 * given: the checkpoints after it still prove that what follows is the node's, but nothing proves
 * that entries before it were not removed.
 *
 * <h2>Rules, in the order they are checked for each entry (line n, seq s)</h2>
 * <ol>
 * <li><b>Edited</b> (GW-AUDIT-001, line n): the entry's fields and previous hash do not give its
 *     hash: someone changed a field, or wrote the line without recomputing the hash. If they give
 *     it with another seq (within {@value #WINDOW} of s), the entry was <b>renumbered</b>, moved to
 *     another place: <b>reordered</b> (GW-AUDIT-004, line n), as rows of the database whose seqs
 *     were swapped are.</li>
 * <li><b>Inserted</b> (GW-AUDIT-003, line n): the entry names another node than the chain's.</li>
 * <li>Its place, with p the seq of the previous entry (or of the anchor):
 *   <ul>
 *   <li>s = p + 1 and its previous hash is not the previous entry's hash: <b>edited</b>
 *       (GW-AUDIT-001), reported on the <em>previous</em> entry's line, which no longer has the
 *       hash its successor recorded: it was changed and its own hash recomputed. (If the previous
 *       record is the anchoring checkpoint, line n itself.) Entry 1 must link to GENESIS, else
 *       edited at line n.</li>
 *   <li>s &gt; p + 1: entries p+1 … s-1 are not where they should be. The verifier reads on
 *       (checking nothing else) to tell why: if one of those seqs comes later the lines are
 *       <b>reordered</b> (GW-AUDIT-004), else they were <b>deleted</b> (GW-AUDIT-002, known at the
 *       end); either way the line reported is n, the first line out of place. An export that
 *       starts at s &gt; 1 without an anchor is treated the same way (entries 1 … s-1 missing).</li>
 *   <li>s = p and both entries link to the same previous hash: two entries claim one place, one
 *       was <b>inserted</b> (GW-AUDIT-003). The next record decides which: the entry that the
 *       next entry links to, or whose hash the next checkpoint signs, is genuine and the other
 *       line is reported; if neither, line n. (An exact copy of a line counts as inserted.)</li>
 *   <li>any other s &le; p: the seq is already taken: <b>inserted</b> (GW-AUDIT-003, line n).</li>
 *   </ul></li>
 * </ol>
 * A forged entry inserted with a fresh seq and every later entry renumbered and rehashed passes
 * these rules; the next checkpoint then does not match.
 *
 * <h2>Checkpoints (line n)</h2>
 * Its signature must verify with the node's certificate it names ({@link Checkpoints#verify}), one of
 * those given, and it must be
 * of the chain's node, else GW-AUDIT-006. Its seq must be above the previous checkpoint's, else it
 * was <b>inserted</b> (GW-AUDIT-003): the node signs each head once, and exports its checkpoints in
 * seq order. A checkpoint for seq c beyond the last entry read is
 * handled like a gap (entries p+1 … c): reordered if they come later, deleted otherwise, reported
 * at line n. For c &le; p, the hash of entry c must equal the signed hash, else GW-AUDIT-006
 * (the chain was changed and rehashed up to c, or the checkpoint is another chain's); only the
 * last {@value #WINDOW} entries are kept to compare with, so a checkpoint must come soon after the
 * entry it signs.
 *
 * <h2>End</h2>
 * A complete export ends with the checkpoint the node signs at export time for its last entry,
 * then with the export's signed end ({@link Checkpoint#exportEnd}), which signs that last entry
 * too and says when the export was made. If no checkpoint signs the last entry, or the end is
 * missing (an export cut just after one of its checkpoints), the export is <b>truncated</b>
 * (GW-AUDIT-005, reported at the line after the last). The end is checked as a checkpoint is,
 * and must sign the last entry (else GW-AUDIT-006: the end of an earlier export of the chain);
 * any line after it was <b>inserted</b> (GW-AUDIT-003). The end covers the node's chain from entry
 * 1: an export that starts later (at an anchoring checkpoint) had its first lines <b>deleted</b>
 * (GW-AUDIT-002, line 1), unless a partial start is allowed ({@code allowUnanchoredStart}). The end
 * signs the last entry as a checkpoint does, so it also stands for the final checkpoint. In place ({@link #finish}) there is no
 * end: the database is not an export.
 *
 * <p>A line that cannot be read is GW-AUDIT-007. Not thread-safe; one verifier per chain.
 */
public final class AuditChainVerifier {

    /** Longest export line read, in bytes; an entry line is well under 2 KiB. */
    public static final int MAX_LINE_BYTES = 64 * 1024;

    /** How many recent entry hashes are kept for checkpoints to be compared with. */
    public static final int WINDOW = 1024;

    /**
     * What a verified chain holds.
     *
     * @param entries how many entries were verified
     * @param lastCheckpoint the verified checkpoint of the highest seq, null if there was none
     * @param exportEnd the export's verified signed end, null if there was none (in place)
     * @param firstSeq the seq of the first entry verified (1 for a whole chain; for a chain that
     *        starts at an anchor, the entry after it), 0 if nothing was verified
     */
    public record Result(long entries, Checkpoint lastCheckpoint, Checkpoint exportEnd, long firstSeq) {
    }

    /** Entries {@code from} … {@code to - 1} were expected before {@code position}. */
    private record Gap(long from, long to, long position, String subject, String deleted) {
    }

    /** Two entries at {@code seq} with the same previous hash. */
    private record Fork(long seq, String firstHash, long firstPosition, String secondHash, long secondPosition) {
    }

    /** The given certificates by fingerprint, in the order given. */
    private final Map<String, X509Certificate> certificates;
    private final boolean allowUnanchoredStart;
    private final MessageDigest digest = AuditChain.sha256();

    private long position;
    private String node;
    private long entries;

    // The verified head: the last entry, or the anchoring checkpoint before any entry.
    private boolean started;
    private long firstSeq;
    private long lastSeq;
    private String lastHash;
    private String lastPrevious;
    private long lastPosition;
    private boolean lastIsEntry;

    // Hashes of seqs windowLow … lastSeq, for checkpoints; position 0 = the given previous hash of an unanchored start.
    private long windowLow;
    private final String[] windowHashes = new String[WINDOW];
    private final long[] windowPositions = new long[WINDOW];

    private Checkpoint lastCheckpoint;
    private long lastCheckpointPosition;
    private boolean headSigned;
    private Checkpoint exportEnd;
    private long exportEndPosition;

    private Gap gap;
    private Fork fork;
    private boolean over;

    /** A verifier for a chain that starts at entry 1 or at an anchoring checkpoint. */
    public AuditChainVerifier(X509Certificate nodeSigningCertificate) {
        this(nodeSigningCertificate, false);
    }

    /**
     * @param nodeSigningCertificate the certificate the node signs its checkpoints with
     * @param allowUnanchoredStart whether the chain may also start at any entry, its previous hash
     *        taken as given (see the class comment)
     */
    public AuditChainVerifier(X509Certificate nodeSigningCertificate, boolean allowUnanchoredStart) {
        this(List.of(Objects.requireNonNull(nodeSigningCertificate, "nodeSigningCertificate")), allowUnanchoredStart);
    }

    /**
     * @param nodeSigningCertificates the certificates the node signed its checkpoints with, across
     *        its key rollovers; at least one
     * @param allowUnanchoredStart whether the chain may also start at any entry, its previous hash
     *        taken as given (see the class comment)
     */
    public AuditChainVerifier(Collection<X509Certificate> nodeSigningCertificates, boolean allowUnanchoredStart) {
        Map<String, X509Certificate> byFingerprint = new LinkedHashMap<>();
        nodeSigningCertificates.forEach(c -> byFingerprint.put(Fingerprints.sha256(Objects.requireNonNull(c, "certificate")), c));
        if (byFingerprint.isEmpty()) {
            throw new IllegalArgumentException("at least one signing certificate");
        }
        this.certificates = byFingerprint;
        this.allowUnanchoredStart = allowUnanchoredStart;
    }

    /** Verifies a complete export that starts at entry 1 or at an anchoring checkpoint. */
    public static Result verify(InputStream jsonLines, X509Certificate nodeSigningCertificate) throws IOException {
        return verify(jsonLines, nodeSigningCertificate, false);
    }

    /**
     * Verifies a complete JSON Lines export, streamed: lines end with LF or CRLF, UTF-8 strictly,
     * at most {@link #MAX_LINE_BYTES} bytes; the stream is read to its end but not closed.
     *
     * @throws AuditVerificationException at the first bad line
     * @throws IOException if the stream cannot be read
     */
    public static Result verify(InputStream jsonLines, X509Certificate nodeSigningCertificate,
            boolean allowUnanchoredStart) throws IOException {
        return verify(jsonLines, List.of(Objects.requireNonNull(nodeSigningCertificate, "nodeSigningCertificate")),
                allowUnanchoredStart);
    }

    /**
     * Verifies a complete JSON Lines export signed, across key rollovers, with any of
     * {@code nodeSigningCertificates} (see {@link #verify(InputStream, X509Certificate, boolean)}).
     */
    public static Result verify(InputStream jsonLines, Collection<X509Certificate> nodeSigningCertificates,
            boolean allowUnanchoredStart) throws IOException {
        return verify(jsonLines, nodeSigningCertificates, allowUnanchoredStart, true);
    }

    /**
     * As {@link #verify(InputStream, Collection, boolean)}; with {@code requireExportEnd} false, an
     * export made before exports had their signed end is read too: it must still end with the
     * checkpoint of its last entry, but a cut just after one of its checkpoints cannot then be seen.
     */
    public static Result verify(InputStream jsonLines, Collection<X509Certificate> nodeSigningCertificates,
            boolean allowUnanchoredStart, boolean requireExportEnd) throws IOException {
        AuditChainVerifier verifier = new AuditChainVerifier(nodeSigningCertificates, allowUnanchoredStart);
        Lines lines = new Lines(jsonLines);
        while (true) {
            String line = lines.next();
            if (line == null) {
                return verifier.finish(true, requireExportEnd);
            }
            if (lines.unreadable != null) {
                verifier.next();
                verifier.malformed(lines.unreadable);
            } else {
                verifier.acceptLine(line);
            }
        }
    }

    /** Reads one export line (without its line break) as the next record. */
    public void acceptLine(String line) {
        next();
        AuditRecord record;
        try {
            record = AuditExportFormat.parse(line);
        } catch (LiaisonException e) {
            malformed(e.details().isEmpty() ? "unreadable" : e.details().get(0));
            return;
        }
        if (record instanceof ChainedEntry e) {
            entry(e, line); // the line is the entry's export form: its canonical bytes are cut from it
        } else {
            checkpoint((Checkpoint) record);
        }
    }

    /** The next record, in seq order, each checkpoint after the entry it signs. */
    public void accept(AuditRecord record) {
        Objects.requireNonNull(record, "record");
        next();
        dispatch(record);
    }

    /** How many records (lines) were given so far. */
    public long position() {
        return position;
    }

    /**
     * Ends verification.
     *
     * @param requireFinalCheckpoint whether the last entry must be signed by a checkpoint (an
     *        export must; the database between two checkpoints need not)
     * @throws AuditVerificationException for a gap or fork still undecided, or a truncated end
     */
    public Result finish(boolean requireFinalCheckpoint) {
        return finish(requireFinalCheckpoint, false);
    }

    /**
     * Ends the verification of an export: its last entry must be signed by a checkpoint, and the
     * export must end with its signed end.
     *
     * @throws AuditVerificationException for a gap or fork still undecided, or a truncated end
     */
    public Result finishExport() {
        return finish(true, true);
    }

    private Result finish(boolean requireFinalCheckpoint, boolean requireExportEnd) {
        open();
        if (gap != null) {
            throw fail(ErrorCode.AUDIT_ENTRY_DELETED, gap.position(), gap.deleted());
        }
        if (fork != null) {
            resolveFork(null);
        }
        if (requireFinalCheckpoint && !headSigned) {
            if (!started) {
                throw fail(ErrorCode.AUDIT_TRUNCATED, position + 1, "no entry and no signed checkpoint");
            }
            throw fail(ErrorCode.AUDIT_TRUNCATED, position + 1, lastCheckpoint == null
                    ? "the export ends at entry seq " + lastSeq + " and no signed checkpoint covers it"
                    : "the export ends at entry seq " + lastSeq + ", after the last signed checkpoint (seq "
                            + lastCheckpoint.seq() + "): lines were removed from the end, or the export was cut");
        }
        if (requireExportEnd && exportEnd == null) {
            throw fail(ErrorCode.AUDIT_TRUNCATED, position + 1, "the export ends "
                    + (lastCheckpoint == null ? "" : "with the checkpoint of seq " + lastCheckpoint.seq() + " made at " + lastCheckpoint.at()
                            + ", ")
                    + "without the signed end a node writes as the last line of every export: it was cut after that checkpoint, "
                    + "or lines were removed from its end");
        }
        // The end covers the node's chain from entry 1: a file starting later lost its first lines.
        if (exportEnd != null && firstSeq > 1 && !allowUnanchoredStart) {
            throw fail(ErrorCode.AUDIT_ENTRY_DELETED, 1, "the export starts at entry seq " + firstSeq + ", but its signed end covers "
                    + "the node's chain from entry 1: " + missing(1, firstSeq - 1) + " (removed from its start; a part of an "
                    + "export verifies as partial)");
        }
        over = true;
        return new Result(entries, lastCheckpoint, exportEnd, started ? firstSeq : 0);
    }

    /** The next record or line: none may follow an export's end. */
    private void next() {
        open();
        position++;
        if (exportEnd != null) {
            throw fail(ErrorCode.AUDIT_ENTRY_INSERTED, position, "line " + position + " follows the export's signed end (line "
                    + exportEndPosition + "): lines were added after the export was made");
        }
    }

    private void dispatch(AuditRecord record) {
        if (record instanceof ChainedEntry e) {
            entry(e, null);
        } else {
            checkpoint((Checkpoint) record);
        }
    }

    /** @param line the entry's export line as {@link AuditExportFormat#parse} accepted it, null for a record given as such */
    private void entry(ChainedEntry e, String line) {
        long s = e.seq();
        if (gap != null) {
            if (s >= gap.from() && s < gap.to()) {
                throw fail(ErrorCode.AUDIT_ENTRIES_REORDERED, gap.position(),
                        gap.subject() + " comes before entry seq " + s + " (line " + position + ")");
            }
            return;
        }
        if (fork != null) {
            resolveFork(s == fork.seq() + 1 ? e.previousHash() : null);
        }
        if (!AuditChain.isDigest(e.previousHash()) || !AuditChain.isDigest(e.hash())) {
            throw fail(ErrorCode.AUDIT_ENTRY_EDITED, position, "entry seq " + s + ": a hash is not 64 lowercase hex characters");
        }
        String computed;
        try {
            byte[] canonical = line != null ? AuditExportFormat.canonicalOf(line) : AuditChain.canonical(s, e.node(), e.entry());
            computed = AuditChain.hash(e.previousHash(), canonical, digest);
        } catch (IllegalArgumentException x) {
            throw fail(ErrorCode.AUDIT_ENTRY_EDITED, position, "entry seq " + s + " cannot be encoded");
        }
        if (!computed.equals(e.hash())) {
            long written = writtenAt(e);
            if (written > 0) {
                throw fail(ErrorCode.AUDIT_ENTRIES_REORDERED, position, "entry seq " + s + " was written as entry seq " + written
                        + ": entries were renumbered (moved)");
            }
            throw fail(ErrorCode.AUDIT_ENTRY_EDITED, position,
                    "entry seq " + s + " does not match its hash: it was changed after it was written");
        }
        if (node == null) {
            node = e.node();
        } else if (!node.equals(e.node())) {
            throw fail(ErrorCode.AUDIT_ENTRY_INSERTED, position,
                    "entry seq " + s + " was written by " + e.node() + ", this is the chain of " + node);
        }
        if (!started) {
            if (s == 1) {
                if (!AuditChain.GENESIS.equals(e.previousHash())) {
                    throw fail(ErrorCode.AUDIT_ENTRY_EDITED, position, "entry seq 1 does not start from the genesis hash");
                }
            } else if (!allowUnanchoredStart) {
                gap = new Gap(1, s, position, "entry seq " + s, "the export starts at entry seq " + s + ": entries 1 to "
                        + (s - 1) + " are missing (a partial export starts with the checkpoint that anchors it)");
                return;
            }
            started = true;
            firstSeq = s;
            windowLow = s - 1;
            remember(s - 1, e.previousHash(), 0);
        } else if (s == lastSeq + 1) {
            if (!e.previousHash().equals(lastHash)) {
                if (lastIsEntry) {
                    throw fail(ErrorCode.AUDIT_ENTRY_EDITED, lastPosition, "entry seq " + lastSeq
                            + " does not have the hash that entry seq " + s + " (line " + position
                            + ") links to: it was changed and its hash recomputed");
                }
                throw fail(ErrorCode.AUDIT_ENTRY_EDITED, position, "entry seq " + s
                        + " does not link to the signed checkpoint of seq " + lastSeq + " (line " + lastPosition + ")");
            }
        } else if (s > lastSeq + 1) {
            gap = new Gap(lastSeq + 1, s, position, "entry seq " + s, missing(lastSeq + 1, s - 1) + " before entry seq " + s);
            return;
        } else if (lastIsEntry && s == lastSeq && e.previousHash().equals(lastPrevious)) {
            fork = new Fork(s, lastHash, lastPosition, e.hash(), position);
            return;
        } else {
            throw fail(ErrorCode.AUDIT_ENTRY_INSERTED, position, "entry seq " + s + " comes after "
                    + (lastIsEntry ? "entry" : "the checkpoint of") + " seq " + lastSeq + ": seq " + s + " is already taken");
        }
        lastSeq = s;
        lastHash = e.hash();
        lastPrevious = e.previousHash();
        lastPosition = position;
        lastIsEntry = true;
        remember(s, e.hash(), position);
        entries++;
        headSigned = false;
    }

    private void checkpoint(Checkpoint c) {
        if (gap != null) {
            return;
        }
        try {
            verifySignature(c);
        } catch (LiaisonException x) {
            if (fork != null) {
                resolveFork(null);
            }
            throw fail(ErrorCode.AUDIT_CHECKPOINT_INVALID, position, (c.exportEnd() ? "export end of seq " : "checkpoint of seq ")
                    + c.seq() + ": " + (x.details().isEmpty() ? "invalid" : x.details().get(0)));
        }
        if (fork != null) {
            resolveFork(c.seq() == fork.seq() ? c.hash() : null);
        }
        if (node == null) {
            node = c.node();
        } else if (!node.equals(c.node())) {
            throw fail(ErrorCode.AUDIT_CHECKPOINT_INVALID, position,
                    "checkpoint of " + c.node() + " in the chain of " + node);
        }
        long s = c.seq();
        // The node signs each head once and exports its checkpoints in seq order: a second one of a seq was added.
        if (!c.exportEnd() && lastCheckpoint != null && s <= lastCheckpoint.seq()) {
            throw fail(ErrorCode.AUDIT_ENTRY_INSERTED, position, "the checkpoint of seq " + s + " comes after the checkpoint of seq "
                    + lastCheckpoint.seq() + " (line " + lastCheckpointPosition + "): checkpoints come once each, in seq order");
        }
        if (s == 0 && !AuditChain.GENESIS.equals(c.hash())) {
            throw fail(ErrorCode.AUDIT_CHECKPOINT_INVALID, position, "a checkpoint of seq 0 must sign the genesis hash");
        }
        if (!started) {
            started = true;
            firstSeq = s + 1;
            lastSeq = s;
            lastHash = c.hash();
            lastPrevious = null;
            lastPosition = position;
            lastIsEntry = false;
            windowLow = s;
            remember(s, c.hash(), position);
        } else if (s > lastSeq) {
            gap = new Gap(lastSeq + 1, s + 1, position, "the checkpoint of seq " + s, "the checkpoint of seq " + s
                    + " signs entries the export does not have: " + missing(lastSeq + 1, s));
            return;
        } else if (s < windowLow) {
            throw fail(ErrorCode.AUDIT_CHECKPOINT_INVALID, position, "the checkpoint of seq " + s
                    + " signs an entry that is not among the " + WINDOW + " before it (a checkpoint follows the entry it signs)");
        } else {
            int slot = slot(s);
            if (!windowHashes[slot].equals(c.hash())) {
                long at = windowPositions[slot];
                throw fail(ErrorCode.AUDIT_CHECKPOINT_INVALID, position, "the checkpoint of seq " + s
                        + " signs another hash than " + (at == 0 ? "the first entry links to" : "entry seq " + s
                        + " (line " + at + ") has") + ": an entry up to seq " + s
                        + " was changed and the chain rehashed, or the checkpoint is another chain's");
            }
        }
        if (c.exportEnd()) {
            if (s != lastSeq) {
                throw fail(ErrorCode.AUDIT_CHECKPOINT_INVALID, position, "the export's end signs entry seq " + s
                        + ", not its last entry (seq " + lastSeq + "): it is the end of an earlier export of this chain");
            }
            headSigned = true;
            exportEnd = c;
            exportEndPosition = position;
            return;
        }
        if (s == lastSeq) {
            headSigned = true;
        }
        lastCheckpoint = c;
        lastCheckpointPosition = position;
    }

    /** With the given certificate the checkpoint names, or, if it names none, with the first given one that verifies it. */
    private void verifySignature(Checkpoint c) {
        if (c.signer() != null) {
            X509Certificate named = certificates.get(c.signer());
            if (named == null) {
                throw new LiaisonException(ErrorCode.AUDIT_CHECKPOINT_INVALID, "signed with the key of certificate "
                        + c.signer() + ", not among the node's certificates given");
            }
            Checkpoints.verify(c, named);
            return;
        }
        LiaisonException first = null;
        for (X509Certificate candidate : certificates.values()) {
            try {
                Checkpoints.verify(c, candidate);
                return;
            } catch (LiaisonException e) {
                first = first == null ? e : first;
            }
        }
        throw first;
    }

    /**
     * The seq, within {@link #WINDOW} of its own, that an entry whose hash does not match was
     * written with, if its fields and previous hash are otherwise intact; 0 if none.
     */
    private long writtenAt(ChainedEntry e) {
        for (long t = Math.max(1, e.seq() - WINDOW); t <= e.seq() + WINDOW; t++) {
            if (t == e.seq()) {
                continue;
            }
            try {
                if (AuditChain.hash(e.previousHash(), AuditChain.canonical(t, e.node(), e.entry()), digest).equals(e.hash())) {
                    return t;
                }
            } catch (IllegalArgumentException x) {
                return 0;
            }
        }
        return 0;
    }

    /** Always throws: which of the two entries of the fork was inserted, given the hash the next record links to. */
    private void resolveFork(String successorLink) {
        Fork f = fork;
        if (f.firstHash().equals(successorLink)) {
            throw fail(ErrorCode.AUDIT_ENTRY_INSERTED, f.secondPosition(), "entry seq " + f.seq()
                    + " takes the place of entry seq " + f.seq() + " (line " + f.firstPosition()
                    + "), which the chain continues from");
        }
        if (f.secondHash().equals(successorLink)) {
            throw fail(ErrorCode.AUDIT_ENTRY_INSERTED, f.firstPosition(), "entry seq " + f.seq()
                    + " takes the place of entry seq " + f.seq() + " (line " + f.secondPosition()
                    + "), which the chain continues from");
        }
        throw fail(ErrorCode.AUDIT_ENTRY_INSERTED, f.secondPosition(), "entry seq " + f.seq()
                + " takes the place of entry seq " + f.seq() + " (line " + f.firstPosition() + "): one of them was inserted");
    }

    /** The current line cannot be read. */
    private void malformed(String detail) {
        if (gap != null) {
            return; // deciding the earlier gap needs only the seqs of the lines that can be read
        }
        if (fork != null) {
            resolveFork(null);
        }
        throw fail(ErrorCode.AUDIT_MALFORMED, position, detail);
    }

    private void remember(long seq, String hash, long at) {
        int slot = slot(seq);
        windowHashes[slot] = hash;
        windowPositions[slot] = at;
        if (seq - windowLow >= WINDOW) {
            windowLow = seq - WINDOW + 1;
        }
    }

    private static int slot(long seq) {
        return (int) Math.floorMod(seq, (long) WINDOW);
    }

    private static String missing(long from, long to) {
        return from == to ? "entry seq " + from + " is missing" : "entries seq " + from + " to " + to + " are missing";
    }

    private void open() {
        if (over) {
            throw new IllegalStateException("verification is over");
        }
    }

    private AuditVerificationException fail(ErrorCode code, long line, String reason) {
        over = true;
        return new AuditVerificationException(code, line, reason);
    }

    /**
     * Lines of at most {@link #MAX_LINE_BYTES} bytes, split on LF before decoding (a UTF-8
     * multi-byte sequence never holds the byte 0x0A), so that a line that is not UTF-8 is reported
     * with its own number and the lines after it can still be read.
     */
    private static final class Lines {

        private final InputStream in;
        private final byte[] buffer = new byte[64 * 1024];
        private byte[] line = new byte[4 * 1024];
        private int length;
        private int next;
        private int limit;
        private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        /** Why the last line returned cannot be read, null if it can. */
        String unreadable;

        Lines(InputStream in) {
            this.in = in;
        }

        /** The next line without its LF or CRLF, null at the end. */
        String next() throws IOException {
            length = 0;
            boolean tooLong = false;
            boolean any = false;
            while (true) {
                if (next == limit) {
                    limit = Math.max(0, in.read(buffer, 0, buffer.length));
                    next = 0;
                    if (limit == 0) {
                        return any ? end(tooLong) : null;
                    }
                }
                any = true;
                int start = next;
                while (next < limit && buffer[next] != '\n') {
                    next++;
                }
                int n = next - start;
                if (!tooLong && length + n > MAX_LINE_BYTES + 1) { // + 1: a CR before the LF
                    tooLong = true;
                } else if (!tooLong) {
                    if (length + n > line.length) {
                        line = Arrays.copyOf(line, Math.max(length + n, line.length * 2));
                    }
                    System.arraycopy(buffer, start, line, length, n);
                    length += n;
                }
                if (next < limit) {
                    next++;
                    return end(tooLong);
                }
            }
        }

        private String end(boolean tooLong) {
            if (!tooLong && length > 0 && line[length - 1] == '\r') {
                length--;
            }
            if (tooLong || length > MAX_LINE_BYTES) {
                unreadable = "line longer than " + MAX_LINE_BYTES + " bytes";
                return "";
            }
            try {
                unreadable = null;
                return decoder.decode(ByteBuffer.wrap(line, 0, length)).toString();
            } catch (CharacterCodingException e) {
                unreadable = "not UTF-8";
                return "";
            }
        }
    }
}
