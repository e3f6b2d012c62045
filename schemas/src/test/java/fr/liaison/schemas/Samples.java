package fr.liaison.schemas;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.stream.Stream;

/** Access to schemas/samples/v1 (tests run with the module as working directory). */
final class Samples {

    static final Path VALID = Path.of("samples/v1/valid");
    static final Path INVALID = Path.of("samples/v1/invalid");

    private Samples() {
    }

    static Stream<String> valid() {
        return list(VALID);
    }

    static byte[] valid(String name) {
        return read(VALID.resolve(name));
    }

    static byte[] invalid(String name) {
        return read(INVALID.resolve(name));
    }

    static String validText(String name) {
        return new String(valid(name), StandardCharsets.UTF_8);
    }

    static MessageFormat formatOf(String name) {
        return name.endsWith(".xml") ? MessageFormat.XML : MessageFormat.JSON;
    }

    static Properties expectedCodes() {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(INVALID.resolve("expected.properties"), StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    static Stream<String> list(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString())
                    .filter(n -> n.endsWith(".xml") || n.endsWith(".json"))
                    .sorted()
                    .toList()
                    .stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] read(Path path) {
        try {
            return Files.readAllBytes(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
