package fr.liaison.gateway.officer;

import fr.liaison.schemas.error.ErrorCode;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.springframework.stereotype.Component;

/** The plain explanation of a catalogue code, for pages that show codes. */
@Component
class ErrorCatalogue {

    private static final Map<String, String> MEANINGS = Arrays.stream(ErrorCode.values())
            .collect(Collectors.toMap(ErrorCode::code, ErrorCode::message, (a, b) -> a));

    String meaning(String code) {
        return code == null ? null : MEANINGS.getOrDefault(code, "Not a code of this node's catalogue.");
    }

    static Function<String, String> lookup() {
        return code -> code == null ? null : MEANINGS.get(code);
    }
}
