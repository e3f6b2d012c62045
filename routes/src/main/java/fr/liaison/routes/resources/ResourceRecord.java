package fr.liaison.routes.resources;

import java.time.LocalDate;
import java.util.Set;

/** One social resource of a department's directory (Axe 1), as a node keeps it. No personal data. */
public record ResourceRecord(String id, String publisher, String name, Set<String> thematiques, Set<String> areas,
        LocalDate updatedOn, byte[] xml) {

    public ResourceRecord {
        thematiques = Set.copyOf(thematiques);
        areas = Set.copyOf(areas);
    }
}
