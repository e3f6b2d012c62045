package fr.liaison.routes.resources;

import fr.liaison.routes.directory.Convention;
import fr.liaison.routes.directory.Directory;
import fr.liaison.schemas.MessageCodec;
import fr.liaison.schemas.MessageFormat;
import fr.liaison.schemas.error.LiaisonException;
import fr.liaison.schemas.v1.ResourceDirectoryEntry;

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
}
