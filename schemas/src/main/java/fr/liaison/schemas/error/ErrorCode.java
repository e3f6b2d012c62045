package fr.liaison.schemas.error;

/**
 * The one catalogue of error codes: logs, audit entries, REST problems, SOAP faults, receipts and
 * the command line all name an error by one of these codes. Codes are stable; a code is never
 * reused for another meaning. {@code docs/errors.md} lists them for operators.
 */
public enum ErrorCode {

    // XML parsing (hardened parser)
    XML_MALFORMED("GW-XML-001", "The XML document is not well-formed."),
    XML_DOCTYPE_FORBIDDEN("GW-XML-002", "Document type declarations (DTD, entities) are not accepted."),
    XML_TOO_LARGE("GW-XML-003", "The document exceeds the maximum accepted size."),
    XML_TOO_DEEP("GW-XML-004", "The document nests elements deeper than accepted."),
    XML_LIMIT_EXCEEDED("GW-XML-005", "The document exceeds a parser limit (attributes, names or text length)."),

    // JSON parsing and mapping
    JSON_MALFORMED("GW-JSON-001", "The JSON document is not well-formed."),
    JSON_TOO_LARGE("GW-JSON-002", "The JSON document exceeds the maximum accepted size."),
    JSON_TOO_DEEP("GW-JSON-003", "The JSON document nests deeper than accepted."),
    JSON_MAPPING("GW-JSON-004", "The JSON document does not map onto a message of the schema."),

    // Schema validation (same rules for XML and JSON)
    SCHEMA_INVALID("GW-SCHEMA-001", "The message does not conform to the message schema."),
    SCHEMA_UNKNOWN_TYPE("GW-SCHEMA-002", "The document is not a known message type or schema version."),
    SCHEMA_RULE("GW-SCHEMA-003", "The message breaks a rule of the message schema that the XSD cannot express."),

    // Envelope (CMS AuthEnvelopedData over SignedData)
    ENVELOPE_MALFORMED("GW-ENVELOPE-001", "The envelope is not a well-formed CMS AuthEnvelopedData."),
    ENVELOPE_ALGORITHM_REFUSED("GW-ENVELOPE-002", "The envelope uses an algorithm that is not accepted."),
    ENVELOPE_NOT_FOR_RECIPIENT("GW-ENVELOPE-003", "The envelope is not encrypted for this participant's key."),
    ENVELOPE_DECRYPTION_FAILED("GW-ENVELOPE-004", "The envelope failed its integrity check: altered or truncated."),
    ENVELOPE_SEAL_FAILED("GW-ENVELOPE-005", "The envelope could not be sealed."),
    ENVELOPE_TOO_LARGE("GW-ENVELOPE-006", "The envelope exceeds the maximum accepted size."),

    // Signature and signer
    SIGNATURE_MALFORMED("GW-SIGNATURE-001", "The signed content is not a well-formed CMS SignedData with one signer."),
    SIGNATURE_INVALID("GW-SIGNATURE-002", "The signature does not verify."),
    SIGNATURE_ALGORITHM_REFUSED("GW-SIGNATURE-003", "The signature uses an algorithm that is not accepted."),
    SIGNER_UNTRUSTED("GW-SIGNATURE-004", "The signer certificate does not chain to the network CA."),
    SIGNER_REVOKED("GW-SIGNATURE-005", "The signer certificate is revoked."),
    SIGNER_EXPIRED("GW-SIGNATURE-006", "The signer certificate is expired or not yet valid."),
    SIGNER_NOT_IN_DIRECTORY("GW-SIGNATURE-007", "The signer certificate is not a participant's signing certificate in the directory."),
    SIGNER_NOT_SENDER("GW-SIGNATURE-008", "The signer is not the participant named as sender."),

    // Directory of participants
    DIRECTORY_SIGNATURE_INVALID("GW-DIRECTORY-001", "The participant directory is not signed by the network operator."),
    DIRECTORY_MALFORMED("GW-DIRECTORY-002", "The participant directory cannot be read."),
    DIRECTORY_UNKNOWN_PARTICIPANT("GW-DIRECTORY-003", "The participant is not in the directory."),
    DIRECTORY_ROLLBACK("GW-DIRECTORY-004", "The directory is not newer than the version this node applies: rollback refused."),
    DIRECTORY_UNREACHABLE("GW-DIRECTORY-005", "The published directory could not be fetched; the last good version stays in force."),

    // Consent gate (sender) and consent proof check (recipient)
    CONSENT_MISSING("GW-CONSENT-001", "No consent with this reference is known for the message's person."),
    CONSENT_EXPIRED("GW-CONSENT-002", "The consent has expired or is not yet valid."),
    CONSENT_REVOKED("GW-CONSENT-003", "The consent has been revoked."),
    CONSENT_PARTY_NOT_COVERED("GW-CONSENT-004", "The consent does not cover this sender or recipient."),
    CONSENT_CATEGORY_NOT_COVERED("GW-CONSENT-005", "The consent does not cover every data category in the message."),
    CONSENT_PURPOSE_MISMATCH("GW-CONSENT-006", "The consent was given for another purpose."),
    CONSENT_PERSON_MISMATCH("GW-CONSENT-007", "The consent is about another person."),
    CONSENT_PROOF_INVALID("GW-CONSENT-008", "The consent proof is missing, altered or not signed by the institution that recorded it."),
    CONSENT_NOT_RECORDER("GW-CONSENT-009", "Only the institution that recorded a consent may record or revoke it."),
    CONSENT_DUPLICATE("GW-CONSENT-010", "A different consent with this id is already recorded."),

    // Exchange between nodes
    EXCHANGE_REPLAYED("GW-EXCHANGE-001", "Another message was already received under this id: replay refused."),
    EXCHANGE_STALE("GW-EXCHANGE-002", "The envelope was sealed outside the accepted time window, or the message claims a future creation time."),
    EXCHANGE_NOT_FOR_THIS_NODE("GW-EXCHANGE-003", "The message names another participant as recipient."),
    EXCHANGE_PEER_CERTIFICATE("GW-EXCHANGE-004", "The TLS client certificate is not the directory's TLS certificate of the sending participant."),
    EXCHANGE_RECEIPT_INVALID("GW-EXCHANGE-005", "The recipient's receipt is missing, altered or not signed by the recipient."),
    EXCHANGE_PEER_REFUSED("GW-EXCHANGE-006", "The recipient node refused the message."),
    EXCHANGE_PEER_UNREACHABLE("GW-EXCHANGE-007", "The recipient node could not be reached; delivery is retried."),
    EXCHANGE_DEAD_LETTER("GW-EXCHANGE-008", "Delivery failed after the last retry."),
    EXCHANGE_PEER_SERVER_CERTIFICATE("GW-EXCHANGE-009", "The recipient node's TLS server certificate is not the directory's TLS certificate of the recipient participant; nothing was sent, delivery is retried."),
    EXCHANGE_INCOMPLETE("GW-EXCHANGE-010", "The envelope did not arrive whole (the connection broke or stalled); the sender sends it again."),
    EXCHANGE_NOT_MINIMISED("GW-EXCHANGE-011", "The message carries data this recipient's kind of institution does not receive (data minimisation)."),
    EXCHANGE_BUSY("GW-EXCHANGE-012", "The node is receiving too many envelopes, or envelope bytes, at once; the sender sends it again later."),

    // Conventions between participants (carried by the signed directory)
    CONVENTION_NONE("GW-CONVENTION-001", "No convention between these participants covers this message type and purpose."),
    CONVENTION_NOT_IN_FORCE("GW-CONVENTION-002", "The convention covering this exchange is not in force on this date."),

    // The referral lifecycle
    REFERRAL_UNKNOWN("GW-REFERRAL-001", "This answer or follow-up event does not correlate to a referral exchanged between these two participants."),
    REFERRAL_CLOSED("GW-REFERRAL-002", "The referral is no longer awaiting an answer."),
    REFERRAL_EXPIRED("GW-REFERRAL-003", "The referral expired before this answer."),
    REFERRAL_FOLLOW_UP_NOT_ALLOWED("GW-REFERRAL-004", "This party of the referral may not send this follow-up event."),
    REFERRAL_FOLLOW_UP_OUT_OF_STATE("GW-REFERRAL-005", "The referral's state does not allow this follow-up event."),

    // Audit log: chain and checkpoint verification (in place and offline)
    AUDIT_ENTRY_EDITED("GW-AUDIT-001", "An audit entry was changed after it was written."),
    AUDIT_ENTRY_DELETED("GW-AUDIT-002", "An audit entry is missing from the chain."),
    AUDIT_ENTRY_INSERTED("GW-AUDIT-003", "An audit entry was added to the chain afterwards."),
    AUDIT_ENTRIES_REORDERED("GW-AUDIT-004", "Audit entries are out of order."),
    AUDIT_TRUNCATED("GW-AUDIT-005", "The audit log or its export was cut short: entries at its end, or the export's signed end, are missing."),
    AUDIT_CHECKPOINT_INVALID("GW-AUDIT-006", "A checkpoint's signature does not verify with the node's certificate, or it does not match the chain."),
    AUDIT_MALFORMED("GW-AUDIT-007", "An audit export line cannot be read."),

    // Delivery to the institution's own software
    LOCAL_SOFTWARE_UNREACHABLE("GW-DELIVERY-001", "The local software's webhook did not accept the message; delivery is retried."),

    // Local API
    API_UNAUTHENTICATED("GW-API-001", "Authentication is required."),
    API_FORBIDDEN("GW-API-002", "This credential may not use this operation."),
    API_NOT_FOUND("GW-API-003", "No such resource."),
    API_UNSUPPORTED_MEDIA_TYPE("GW-API-004", "The request's media type or charset is not one this endpoint takes."),
    API_IDEMPOTENCY_CONFLICT("GW-API-005", "This Idempotency-Key or message id was already used for a different request."),
    API_SENDER_MISMATCH("GW-API-006", "The message must name this node's participant as sender."),
    API_INTERNAL("GW-API-007", "The node could not complete the request; nothing was accepted."),
    API_NOT_RESUBMITTABLE("GW-API-008", "This message cannot be re-submitted."),
    API_BAD_REQUEST("GW-API-009", "A header, parameter or path of the request is not valid."),
    API_METHOD_NOT_ALLOWED("GW-API-010", "This method is not allowed on this resource."),
    API_NOT_ACCEPTABLE("GW-API-011", "The answer cannot be given in any media type the request accepts."),
    API_SOAP_REQUEST("GW-API-012", "The SOAP request names no operation of this service, or a SOAP version or mandatory header it does not take."),
    API_LOGIN_THROTTLED("GW-API-013", "Too many failed or simultaneous logins naming this user: logins are refused for now; try again after Retry-After seconds."),
    API_UNAUTHENTICATED_READS_BUSY("GW-API-014", "Too many requests whose sender is not yet known are being received at once; try again after Retry-After seconds."),
    API_MESSAGE_FAILED("GW-API-015", "This message failed for good: it is not sent again under its id."),

    // Key material of this node
    KEYS_UNAVAILABLE("GW-KEYS-001", "The key material of this participant cannot be loaded."),

    // This node's own resources
    NODE_DISK_FULL("GW-NODE-001", "The node's disk is nearly full: it takes no new message until space is freed. Nothing was accepted; try again later."),
    NODE_DATABASE_UNAVAILABLE("GW-NODE-002", "The node cannot reach its database: nothing was accepted; try again later."),
    NODE_NOT_READY("GW-NODE-003", "The node is starting or stopping: nothing was accepted; try again after Retry-After seconds."),

    // Input and output of the command line
    IO_FAILED("GW-IO-001", "A file could not be read or written.");

    private final String code;
    private final String message;

    ErrorCode(String code, String message) {
        this.code = code;
        this.message = message;
    }

    /** The stable code, e.g. {@code GW-ENVELOPE-004}. */
    public String code() {
        return code;
    }

    /** A plain explanation for people reading an error. */
    public String message() {
        return message;
    }

    @Override
    public String toString() {
        return code;
    }
}
