package fr.liaison.routes.audit.chain;

import fr.liaison.routes.audit.AuditEntry;

import java.util.Objects;

/**
 * An audit entry at its place in a node's chain.
 *
 * <p>Only nullness is checked here: a record read back from a database or an export may be
 * tampered with, and saying how is {@link AuditChainVerifier}'s job.
 *
 * @param seq position in the chain, from 1, without gaps
 * @param node participant id of the node that wrote it (one chain per participant, whatever the
 *        number of instances)
 * @param entry what happened; its {@code at} is truncated to microseconds by {@link AuditChain#link}
 * @param previousHash {@link #hash} of entry {@code seq - 1}, or {@link AuditChain#GENESIS} for seq 1
 * @param hash {@link AuditChain#hash}{@code (previousHash, AuditChain.canonical(seq, node, entry))}
 */
public record ChainedEntry(long seq, String node, AuditEntry entry, String previousHash, String hash)
        implements AuditRecord {

    public ChainedEntry {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(entry, "entry");
        Objects.requireNonNull(previousHash, "previousHash");
        Objects.requireNonNull(hash, "hash");
    }
}
