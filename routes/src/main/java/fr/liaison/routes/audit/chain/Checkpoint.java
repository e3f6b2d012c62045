package fr.liaison.routes.audit.chain;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * A node's signed statement "my audit chain has head {@code hash} at entry {@code seq}", made with
 * its signing key at time {@code at} (see {@link Checkpoints}). Seq 0 with hash
 * {@link AuditChain#GENESIS} states that the chain is empty.
 *
 * <p>An <em>export end</em> ({@code exportEnd}) states more: "this export of my chain, made at
 * {@code at}, ends here, at entry {@code seq}". The node signs one as the last line of every export
 * and stores none; it is signed as another type of statement than a checkpoint, so that neither can
 * be passed off as the other, and an export cut after one of its checkpoints lacks it.
 *
 * @param signer the SHA-256 fingerprint (lowercase hex, of the DER) of the certificate whose key
 *     signed it, so that a chain spanning a key rollover says which certificate verifies each
 *     checkpoint; null for checkpoints made before checkpoints named their key
 * @param signature DER CMS SignedData over the checkpoint's canonical JSON; copied in and out
 * @param exportEnd whether this is the end of an export rather than a checkpoint of the chain
 */
public record Checkpoint(long seq, String hash, Instant at, String node, String signer, byte[] signature, boolean exportEnd)
        implements AuditRecord {

    public Checkpoint {
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(node, "node");
        signature = Objects.requireNonNull(signature, "signature").clone();
    }

    /** A checkpoint of the chain. */
    public Checkpoint(long seq, String hash, Instant at, String node, String signer, byte[] signature) {
        this(seq, hash, at, node, signer, signature, false);
    }

    /** A checkpoint that does not name its signing certificate. */
    public Checkpoint(long seq, String hash, Instant at, String node, byte[] signature) {
        this(seq, hash, at, node, null, signature, false);
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Checkpoint c && seq == c.seq && hash.equals(c.hash) && at.equals(c.at)
                && node.equals(c.node) && Objects.equals(signer, c.signer) && Arrays.equals(signature, c.signature)
                && exportEnd == c.exportEnd;
    }

    @Override
    public int hashCode() {
        return Objects.hash(seq, hash, at, node, signer, Arrays.hashCode(signature), exportEnd);
    }

    @Override
    public String toString() {
        return (exportEnd ? "ExportEnd" : "Checkpoint") + "[node=" + node + ", seq=" + seq + ", hash=" + hash + ", at=" + at
                + ", signer=" + signer + "]";
    }
}
