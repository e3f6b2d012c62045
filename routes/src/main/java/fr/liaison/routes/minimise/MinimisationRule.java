package fr.liaison.routes.minimise;

import fr.liaison.schemas.v1.DataCategory;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * What to take out of a message before it goes to one kind of institution.
 *
 * @param removedCategories the data categories whose body parts are removed
 * @param removeFreeTextDetails whether the free-text {@code detail} of diagnosed barriers is removed
 *     (the barrier itself, its status, situations, objectives and impact stay)
 */
public record MinimisationRule(Set<DataCategory> removedCategories, boolean removeFreeTextDetails) {

    /** Removes nothing. */
    public static final MinimisationRule NOTHING = new MinimisationRule(Set.of(), false);

    public MinimisationRule {
        removedCategories = removedCategories == null || removedCategories.isEmpty()
                ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(removedCategories));
    }
}
