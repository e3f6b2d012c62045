package fr.liaison.routes.resources;

import static org.assertj.core.api.Assertions.assertThat;

import fr.liaison.routes.testing.DevNetwork;
import fr.liaison.routes.testing.InMemoryResourceStore;
import fr.liaison.schemas.MessageCodec;
import fr.liaison.schemas.MessageFormat;
import fr.liaison.schemas.v1.ResourceDirectoryEntry;

import java.nio.file.Files;
import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ResourceDirectoryTest {

    private static final MessageCodec CODEC = MessageCodec.v1();
    private final ResourceDirectory directory = new ResourceDirectory(new InMemoryResourceStore(), CODEC);

    private static byte[] sample() throws Exception {
        return Files.readAllBytes(DevNetwork.samples().resolve("v1/valid/resource-directory-entry.xml"));
    }

    private static ResourceDirectoryEntry entry() throws Exception {
        return (ResourceDirectoryEntry) CODEC.read(sample(), MessageFormat.XML).message();
    }

    @Test
    void findsAResourceByCategoryOrThematiqueAndByCommuneOrItsDepartment() throws Exception {
        directory.apply(entry());

        assertThat(directory.search("mobilite", "29232")).extracting(ResourceRecord::id).containsExactly("cd29-mobilite-0042");
        assertThat(directory.search("mobilite--financer-ma-mobilite", null)).hasSize(1);
        assertThat(directory.search("logement-hebergement", "29232")).isEmpty();
        assertThat(directory.search("mobilite", "25056")).isEmpty();
    }

    @Test
    void keepsTheNewerVersionAndForgetsAWithdrawnResource() throws Exception {
        ResourceDirectoryEntry entry = entry();
        directory.apply(entry);
        ResourceDirectoryEntry older = entry();
        older.setUpdatedOn(LocalDate.of(2020, 1, 1));
        older.setName("Ancien nom");
        directory.apply(older);
        assertThat(directory.search(null, null)).extracting(ResourceRecord::name).doesNotContain("Ancien nom");

        ResourceDirectoryEntry withdrawn = entry();
        withdrawn.setUpdatedOn(LocalDate.of(2026, 12, 1));
        withdrawn.setWithdrawn(true);
        directory.apply(withdrawn);

        assertThat(directory.search(null, null)).isEmpty();
    }

    @Test
    void exportsTheDataInclusionServiceShape() throws Exception {
        directory.apply(entry());

        Map<String, Object> service = directory.toDataInclusion(directory.search(null, null).get(0));

        assertThat(service).containsEntry("id", "cd29-mobilite-0042").containsEntry("frais", "payant")
                .containsEntry("type", "aide-materielle").containsEntry("date_maj", "2025-02-17")
                .containsEntry("thematiques", List.of("mobilite--acceder-a-un-vehicule", "mobilite--financer-ma-mobilite"));
    }

    @Test
    void importsADataInclusionServiceAsAValidEntryKeepingOnlyKnownThematiques() throws Exception {
        directory.apply(entry());
        Map<String, Object> service = new java.util.LinkedHashMap<>(directory.toDataInclusion(directory.search(null, null).get(0)));
        service.put("thematiques", List.of("mobilite--acceder-a-un-vehicule", "not-a-category--at-all"));

        ResourceDirectoryEntry imported = directory.fromDataInclusion(service, "CD-29", Clock.systemUTC()).orElseThrow();
        ResourceDirectoryEntry validated = (ResourceDirectoryEntry) CODEC.read(CODEC.toXml(imported), MessageFormat.XML).message();

        assertThat(validated.getId()).isEqualTo("cd29-mobilite-0042");
        assertThat(validated.getThematiques()).extracting(t -> t.value()).containsExactly("mobilite--acceder-a-un-vehicule");
        assertThat(validated.getAreaServed()).containsExactly("29232", "29019");
        service.put("thematiques", List.of("not-a-category--at-all"));
        assertThat(directory.fromDataInclusion(service, "CD-29", Clock.systemUTC())).isEmpty();
    }

    @Test
    void aResourceWithoutRecipientIsPublishedToEveryParticipantItsConventionsName() throws Exception {
        ResourcePublication publication = new ResourcePublication(CODEC, DevNetwork::directory, "CD-29", Clock.systemUTC());

        List<byte[]> copies = publication.copies(sample());

        assertThat(copies).extracting(xml -> CODEC.read(xml, MessageFormat.XML).header().getRecipient())
                .containsExactlyInAnyOrder("FT-29", "CCAS-29232");
    }
}
