package fr.liaison.gateway;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Dependencies point one way, schemas <- routes <- gateway, and domain code (everything in
 * routes but its Camel package) knows nothing of Camel or Spring.
 */
class ArchitectureTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("fr.liaison");
    }

    @Test
    void schemasDependOnNothingOfOurs() {
        noClasses().that().resideInAPackage("fr.liaison.schemas..")
                .should().dependOnClassesThat().resideInAnyPackage("fr.liaison.routes..", "fr.liaison.gateway..")
                .check(classes);
    }

    @Test
    void routesDoNotDependOnTheGateway() {
        noClasses().that().resideInAPackage("fr.liaison.routes..")
                .should().dependOnClassesThat().resideInAPackage("fr.liaison.gateway..")
                .check(classes);
    }

    @Test
    void domainCodeNeverImportsCamel() {
        noClasses().that().resideInAnyPackage("fr.liaison.schemas..", "fr.liaison.routes..")
                .and().resideOutsideOfPackage("fr.liaison.routes.camel..")
                .should().dependOnClassesThat().resideInAPackage("org.apache.camel..")
                .check(classes);
    }

    @Test
    void schemasAndRoutesRunWithoutSpring() {
        noClasses().that().resideInAnyPackage("fr.liaison.schemas..", "fr.liaison.routes..")
                .should().dependOnClassesThat().resideInAPackage("org.springframework..")
                .check(classes);
    }
}
