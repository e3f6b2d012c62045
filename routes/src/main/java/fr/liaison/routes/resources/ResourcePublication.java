package fr.liaison.routes.resources;

import fr.liaison.routes.directory.Convention;
import fr.liaison.routes.directory.Directory;
import fr.liaison.schemas.MessageCodec;
import fr.liaison.schemas.MessageFormat;
import fr.liaison.schemas.error.LiaisonException;
import fr.liaison.schemas.v1.ResourceDirectoryEntry;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * A department publishes a resource once, without naming a recipient: the node sends a copy to
 * every participant a convention in force lets it publish resources to.
 */
public final class ResourcePublication {

    private final MessageCodec codec;
    private final Supplier<Directory> directory;
    private final String self;
    private final Clock clock;

    public ResourcePublication(MessageCodec codec, Supplier<Directory> directory, String self, Clock clock) {
        this.codec = codec;
        this.directory = directory;
        this.self = self;
        this.clock = clock;
    }

    /** The messages to submit for this body: itself, or one copy per recipient for a resource without one. */
    public List<byte[]> copies(byte[] body) {
        if (!mayBeResourceEntry(body)) {
            return List.of(body); // read once, by the pipeline
        }
        ResourceDirectoryEntry entry;
        try {
            if (!(codec.read(body, MessageFormat.detect(body)).message() instanceof ResourceDirectoryEntry e)
                    || e.getHeader().getRecipient() != null) {
                return List.of(body);
            }
            entry = e;
        } catch (LiaisonException | IllegalArgumentException e) {
            return List.of(body); // refused by the pipeline, with its code and audit entry
        }
        var today = clock.instant().atZone(ZoneOffset.UTC).toLocalDate();
        Set<String> recipients = new LinkedHashSet<>();
        for (Convention convention : directory.get().conventions()) {
            if (convention.inForce(today)) {
                convention.parties().stream().filter(p -> convention.covers(self, p, "RESOURCE_DIRECTORY_ENTRY", "RESSOURCES_SOCIALES"))
                        .forEach(recipients::add);
            }
        }
        List<byte[]> copies = new ArrayList<>();
        for (String recipient : recipients) {
            entry.getHeader().setRecipient(recipient);
            entry.getHeader().setMessageId(UUID.randomUUID().toString());
            copies.add(codec.toXml(entry));
        }
        return copies.isEmpty() ? List.of(body) : copies;
    }

    private static final byte[] XML_ROOT = "ResourceDirectoryEntry".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] JSON_TYPE = "RESOURCE_DIRECTORY_ENTRY".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] JSON_ESCAPE = "\\u".getBytes(StandardCharsets.US_ASCII);

    /**
     * False only when the body cannot be a resource directory entry, told without reading it, so
     * that every other message is parsed and validated once (by the pipeline), not twice. Either form
     * names the type in ASCII: the XML root element {@code ResourceDirectoryEntry} (a name has no
     * escape, and in every encoding a body detected as XML can be in, ASCII-compatible, its bytes are
     * those), the JSON {@code header.messageType} {@code RESOURCE_DIRECTORY_ENTRY} (unless written with
     * {@code \\u} escapes). A NUL byte (UTF-16 or UTF-32) or a JSON escape leaves it to the full read.
     */
    static boolean mayBeResourceEntry(byte[] body) {
        for (byte b : body) {
            if (b == 0) {
                return true;
            }
        }
        return contains(body, XML_ROOT) || contains(body, JSON_TYPE) || contains(body, JSON_ESCAPE);
    }

    private static boolean contains(byte[] body, byte[] part) {
        outer:
        for (int i = 0; i + part.length <= body.length; i++) {
            for (int k = 0; k < part.length; k++) {
                if (body[i + k] != part[k]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
