package fr.liaison.routes.envelope;

import fr.liaison.schemas.error.ErrorCode;

import java.util.EnumSet;
import java.util.Set;

/** The codes the opener may refuse an envelope with; its fuzz targets treat any other outcome as a finding. */
final class OpenerRefusals {

    static final Set<ErrorCode> CODES = EnumSet.of(
            ErrorCode.ENVELOPE_MALFORMED, ErrorCode.ENVELOPE_ALGORITHM_REFUSED, ErrorCode.ENVELOPE_NOT_FOR_RECIPIENT,
            ErrorCode.ENVELOPE_DECRYPTION_FAILED, ErrorCode.ENVELOPE_TOO_LARGE,
            ErrorCode.SIGNATURE_MALFORMED, ErrorCode.SIGNATURE_INVALID, ErrorCode.SIGNATURE_ALGORITHM_REFUSED,
            ErrorCode.SIGNER_UNTRUSTED, ErrorCode.SIGNER_REVOKED, ErrorCode.SIGNER_EXPIRED, ErrorCode.SIGNER_NOT_IN_DIRECTORY);

    private OpenerRefusals() {
    }
}
