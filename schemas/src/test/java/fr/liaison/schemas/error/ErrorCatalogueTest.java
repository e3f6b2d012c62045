package fr.liaison.schemas.error;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

class ErrorCatalogueTest {

    @Test
    void codesAreWellFormedAndUnique() {
        assertThat(ErrorCode.values()).extracting(ErrorCode::code).allMatch(code -> code.matches("GW-[A-Z]+-\\d{3}"))
                .doesNotHaveDuplicates();
    }

    @Test
    void everyCodeIsDocumentedWithItsMessage() throws IOException {
        String page = Files.readString(Path.of("..", "docs", "errors.md"));

        assertThat(Arrays.stream(ErrorCode.values()).map(c -> "| `" + c.code() + "` | " + c.message() + " |"))
                .allSatisfy(row -> assertThat(page).contains(row));
    }
}
