package fr.liaison.gateway.cli;

import fr.liaison.routes.directory.Directory;
import fr.liaison.routes.directory.DirectorySigner;
import fr.liaison.routes.directory.SignedDirectory;
import fr.liaison.routes.keys.Pem;
import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** The network operator's tools: sign a directory version, verify a signed one. */
@Command(name = "directory", mixinStandardHelpOptions = true, description = "Signs or verifies the participant directory.",
        subcommands = {DirectoryCommand.Sign.class, DirectoryCommand.Verify.class})
final class DirectoryCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "sign", mixinStandardHelpOptions = true,
            description = {"Builds a directory version from YAML (participants with their certificate files, conventions, CRL files)",
                    "(a certificate use may list several files, oldest first, during a key rollover)",
                    "and signs it with the network operator's key into a CMS SignedData."})
    static final class Sign implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--in", required = true, paramLabel = "YAML", description = "The directory source; file paths in it are relative to it.")
        Path in;

        @Option(names = "--key", required = true, paramLabel = "PEM", description = "The network operator's private key.")
        Path key;

        @Option(names = "--cert", required = true, paramLabel = "PEM", description = "The network operator's certificate.")
        Path cert;

        @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the signed directory.")
        Path out;

        @Override
        public Integer call() {
            Map<String, Object> source = load(in);
            Path base = in.toAbsolutePath().getParent();
            Map<String, Object> directory = new LinkedHashMap<>();
            directory.put("network", required(source, "network"));
            Object version = required(source, "version");
            if (!(version instanceof Number number) || number.longValue() < 1) {
                throw new LiaisonException(ErrorCode.DIRECTORY_MALFORMED, "version: a whole number from 1");
            }
            directory.put("version", number.longValue());
            directory.put("issuedAt", source.getOrDefault("issuedAt", Instant.now().toString()).toString());
            List<Map<String, Object>> participants = new ArrayList<>();
            for (Object entry : list(source, "participants")) {
                @SuppressWarnings("unchecked")
                Map<String, Object> participant = new LinkedHashMap<>((Map<String, Object>) entry);
                @SuppressWarnings("unchecked")
                Map<String, Object> files = (Map<String, Object>) required(participant, "certificates");
                Map<String, Object> certificates = new LinkedHashMap<>();
                // One file per use, or a list of them (oldest first) during a key rollover.
                files.forEach((use, file) -> certificates.put(use, file instanceof List<?> several
                        ? several.stream().map(f -> pem(base.resolve(String.valueOf(f)))).toList()
                        : pem(base.resolve(String.valueOf(file)))));
                participant.put("certificates", certificates);
                participants.add(participant);
            }
            directory.put("participants", participants);
            directory.put("conventions", source.getOrDefault("conventions", List.of()));
            List<String> crls = new ArrayList<>();
            for (Object file : list(source, "crls")) {
                crls.add(pem(base.resolve(String.valueOf(file))));
            }
            directory.put("crls", crls);
            byte[] json = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build().writeValueAsBytes(directory);
            // Check what is signed reads back as a directory before anyone is given it.
            SignedDirectory.verify(DirectorySigner.sign(json, Pem.privateKey(key), Pem.certificate(cert)), Pem.certificate(cert),
                    Pem.certificate(cert), Clock.systemUTC());
            CliFiles.write(out, DirectorySigner.sign(json, Pem.privateKey(key), Pem.certificate(cert)));
            out().printf("Signed directory %s version %s: %d participants, %d conventions -> %s%n", directory.get("network"),
                    directory.get("version"), participants.size(), ((List<?>) directory.get("conventions")).size(), out);
            return 0;
        }

        private PrintWriter out() {
            return spec.commandLine().getOut();
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Verifies a signed directory against the network operator's certificate.",
                    "Prints its version and participant count; on failure exits 1 with a coded reason."})
    static final class Verify implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--cert", required = true, paramLabel = "PEM", description = "The network operator's certificate.")
        Path cert;

        @Option(names = "--ca", paramLabel = "PEM", description = "The network CA (default: the operator certificate's folder network-ca.crt.pem).")
        Path ca;

        @Parameters(paramLabel = "FILE")
        Path signed;

        @Override
        public Integer call() {
            Path caFile = ca != null ? ca : cert.toAbsolutePath().getParent().resolve("network-ca.crt.pem");
            Directory directory = SignedDirectory.verify(CliFiles.read(signed), Pem.certificate(cert), Pem.certificate(caFile),
                    Clock.systemUTC());
            spec.commandLine().getOut().printf("OK: directory %s version %d issued %s, %d participants, %d conventions%n",
                    directory.network(), directory.version(), directory.issuedAt(), directory.participants().size(),
                    directory.conventions().size());
            return 0;
        }
    }

    private static Map<String, Object> load(Path file) {
        try {
            Object document = new Yaml(new SafeConstructor(new LoaderOptions()))
                    .load(new String(CliFiles.read(file), StandardCharsets.UTF_8));
            if (!(document instanceof Map<?, ?> map)) {
                throw new LiaisonException(ErrorCode.DIRECTORY_MALFORMED, file + ": a YAML mapping is expected");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> source = (Map<String, Object>) map;
            return source;
        } catch (org.yaml.snakeyaml.error.YAMLException e) {
            throw new LiaisonException(ErrorCode.DIRECTORY_MALFORMED, file + ": not YAML");
        }
    }

    private static Object required(Map<String, Object> map, String key) {
        Object value = map.get(key);
        if (value == null) {
            throw new LiaisonException(ErrorCode.DIRECTORY_MALFORMED, key + ": required");
        }
        return value;
    }

    private static List<?> list(Map<String, Object> map, String key) {
        Object value = map.getOrDefault(key, List.of());
        if (!(value instanceof List<?> list)) {
            throw new LiaisonException(ErrorCode.DIRECTORY_MALFORMED, key + ": a list is expected");
        }
        return list;
    }

    /** A certificate or CRL file's text, as published; one that also holds a private key is never published. */
    private static String pem(Path file) {
        String text = new String(CliFiles.read(file), StandardCharsets.US_ASCII);
        if (text.contains("PRIVATE KEY")) {
            throw new LiaisonException(ErrorCode.DIRECTORY_MALFORMED, file + " holds a private key: only certificates and CRLs are published");
        }
        return text;
    }
}
