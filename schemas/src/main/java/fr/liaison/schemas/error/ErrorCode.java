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

    // Key material of this node
    KEYS_UNAVAILABLE("GW-KEYS-001", "The key material of this participant cannot be loaded."),

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
