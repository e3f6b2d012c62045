/**
 * The tamper-evident form of a node's audit log: entries hash-chained over a canonical encoding
 * ({@link fr.liaison.routes.audit.chain.AuditChain}), the chain head signed at intervals with the
 * node's signing key ({@link fr.liaison.routes.audit.chain.Checkpoints}), the JSON Lines export
 * ({@link fr.liaison.routes.audit.chain.AuditExportFormat}) and its verification, offline or in
 * place ({@link fr.liaison.routes.audit.chain.AuditChainVerifier}), each kind of tampering with its
 * {@code GW-AUDIT-…} code. Plain Java: no Spring, no Camel, no database.
 */
package fr.liaison.routes.audit.chain;
