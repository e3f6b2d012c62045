package fr.liaison.routes.resources;

import fr.liaison.schemas.MessageCodec;
import fr.liaison.schemas.MessageFormat;
import fr.liaison.schemas.v1.Contact;
import fr.liaison.schemas.v1.ResourceDirectoryEntry;
import fr.liaison.schemas.v1.Thematique;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A node's copy of the social-resources directories departments publish to it (Axe 1): kept
 * current from ResourceDirectoryEntry messages (new, changed, withdrawn), searched by category and
 * commune, and exported in data·inclusion's v1 service shape.
 */
public final class ResourceDirectory {

    private final ResourceStore store;
    private final MessageCodec codec;

    public ResourceDirectory(ResourceStore store, MessageCodec codec) {
        this.store = store;
        this.codec = codec;
    }

    /** Applies a published entry; an older version than the one kept is ignored. */
    public void apply(ResourceDirectoryEntry entry) {
        String publisher = entry.getHeader().getSender();
        var kept = store.find(publisher, entry.getId());
        if (kept.isPresent() && kept.get().updatedOn().isAfter(entry.getUpdatedOn())) {
            return;
        }
        if (Boolean.TRUE.equals(entry.isWithdrawn())) {
            store.remove(publisher, entry.getId());
            return;
        }
        Set<String> thematiques = new TreeSet<>();
        entry.getThematiques().forEach(t -> thematiques.add(t.value()));
        store.save(new ResourceRecord(entry.getId(), publisher, entry.getName(), thematiques, new TreeSet<>(entry.getAreaServed()),
                entry.getUpdatedOn(), codec.toXml(entry)));
    }

    /**
     * Resources of a data·inclusion category ({@code mobilite}) or thematique
     * ({@code mobilite--acceder-a-un-vehicule}), serving an INSEE commune (directly, through its
     * department, or as {@code france}); either filter may be null.
     */
    public List<ResourceRecord> search(String category, String commune) {
        return store.all().stream()
                .filter(r -> category == null || r.thematiques().stream().anyMatch(t -> t.equals(category) || t.startsWith(category + "--")))
                .filter(r -> commune == null || serves(r, commune))
                .sorted(Comparator.comparing(ResourceRecord::name))
                .toList();
    }

    private static boolean serves(ResourceRecord resource, String commune) {
        String department = commune.length() >= 2 ? commune.substring(0, commune.startsWith("97") ? 3 : 2) : commune;
        return resource.areas().contains(commune) || resource.areas().contains(department) || resource.areas().contains("france");
    }

    /**
     * A data·inclusion v1 service as a ResourceDirectoryEntry this node publishes, keeping only the
     * thematiques of the v1 list; empty when none of them matches. The entry is then validated and
     * sent like any message, so a bad value is refused with its code.
     */
    public java.util.Optional<ResourceDirectoryEntry> fromDataInclusion(Map<String, Object> service, String publisher,
            java.time.Clock clock) {
        List<Thematique> thematiques = new ArrayList<>();
        if (service.get("thematiques") instanceof List<?> values) {
            for (Object value : values) {
                try {
                    thematiques.add(Thematique.fromValue(String.valueOf(value)));
                } catch (IllegalArgumentException e) {
                    // a thematique outside the v1 list: not carried
                }
            }
        }
        if (thematiques.isEmpty()) {
            return java.util.Optional.empty();
        }
        ResourceDirectoryEntry entry = new ResourceDirectoryEntry();
        fr.liaison.schemas.v1.MessageHeader header = new fr.liaison.schemas.v1.MessageHeader();
        header.setMessageId(java.util.UUID.randomUUID().toString());
        header.setCreatedAt(clock.instant().atOffset(java.time.ZoneOffset.UTC).withNano(0));
        header.setSender(publisher);
        header.setMessageType(fr.liaison.schemas.v1.MessageType.RESOURCE_DIRECTORY_ENTRY);
        header.setPurpose(fr.liaison.schemas.v1.Purpose.RESSOURCES_SOCIALES);
        entry.setHeader(header);
        entry.setId(text(service, "id"));
        entry.setName(text(service, "nom"));
        entry.setDescription(text(service, "description"));
        fr.liaison.schemas.v1.Provider provider = new fr.liaison.schemas.v1.Provider();
        provider.setStructureId(text(service, "structure_id"));
        provider.setName(service.get("source") == null ? publisher : text(service, "source"));
        entry.setProvider(provider);
        if (service.get("type") != null) {
            entry.setServiceType(fr.liaison.schemas.v1.ServiceType.fromValue(text(service, "type")));
        }
        entry.setThematiques(thematiques);
        List<String> areas = new ArrayList<>();
        if (service.get("zone_eligibilite") instanceof List<?> zones) {
            zones.forEach(zone -> areas.add(String.valueOf(zone)));
        } else if (service.get("code_insee") != null) {
            areas.add(text(service, "code_insee"));
        }
        entry.setAreaServed(areas);
        if (service.get("telephone") != null || service.get("courriel") != null || service.get("contact_nom_prenom") != null) {
            Contact contact = new Contact();
            contact.setName(text(service, "contact_nom_prenom"));
            contact.setPhone(text(service, "telephone"));
            contact.setEmail(text(service, "courriel"));
            entry.setContact(contact);
        }
        entry.setAccessConditions(text(service, "conditions_acces"));
        entry.setFees(fr.liaison.schemas.v1.Fees.fromValue(service.get("frais") == null ? "gratuit" : text(service, "frais")));
        entry.setFeesDetail(text(service, "frais_precisions"));
        entry.setUpdatedOn(java.time.LocalDate.parse(text(service, "date_maj")));
        return java.util.Optional.of(entry);
    }

    private static String text(Map<String, Object> service, String member) {
        Object value = service.get(member);
        return value == null ? null : String.valueOf(value);
    }

    /** The resource as a data·inclusion v1 service (the members this directory carries). */
    public Map<String, Object> toDataInclusion(ResourceRecord resource) {
        ResourceDirectoryEntry entry = (ResourceDirectoryEntry) codec.read(resource.xml(), MessageFormat.XML).message();
        Map<String, Object> service = new LinkedHashMap<>();
        service.put("source", "liaison-" + resource.publisher().toLowerCase());
        service.put("structure_id", entry.getProvider().getStructureId());
        service.put("id", entry.getId());
        service.put("nom", entry.getName());
        service.put("description", entry.getDescription());
        service.put("date_maj", entry.getUpdatedOn().toString());
        service.put("type", entry.getServiceType() == null ? null : entry.getServiceType().value());
        List<String> thematiques = new ArrayList<>();
        for (Thematique thematique : entry.getThematiques()) {
            thematiques.add(thematique.value());
        }
        service.put("thematiques", thematiques);
        service.put("frais", entry.getFees() == null ? null : entry.getFees().value());
        service.put("frais_precisions", entry.getFeesDetail());
        service.put("conditions_acces", entry.getAccessConditions());
        service.put("zone_eligibilite", entry.getAreaServed());
        Contact contact = entry.getContact();
        service.put("contact_nom_prenom", contact == null ? null : contact.getName());
        service.put("telephone", contact == null ? null : contact.getPhone());
        service.put("courriel", contact == null ? null : contact.getEmail());
        return service;
    }
}
