package fr.liaison.routes.audit.chain;

/** One record of a node's audit chain as exported or stored: an entry or a signed checkpoint. */
public sealed interface AuditRecord permits ChainedEntry, Checkpoint {

    /** The entry's sequence number, or the sequence number of the entry a checkpoint signs. */
    long seq();

    /** Participant id of the node whose chain this is. */
    String node();

    /** The entry's chain hash, or the chain hash a checkpoint signs. */
    String hash();
}
