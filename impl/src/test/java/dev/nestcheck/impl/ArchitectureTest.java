package dev.nestcheck.impl;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * Independence: the implementation is written from the catalogue and the contract only, so
 * that the differential test against the reference model means something.
 */
class ArchitectureTest {
    private static final JavaClasses ALL = new ClassFileImporter().importPackages("dev.nestcheck.impl");
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.nestcheck.impl");

    @Test
    void implNeverDependsOnTheModel() {
        ArchRule rule = noClasses().that().resideInAPackage("dev.nestcheck.impl..")
                .should().dependOnClassesThat().resideInAPackage("dev.nestcheck.model..")
                .allowEmptyShould(false)
                .because("the optimized implementation must be independent of the reference model");
        rule.check(ALL);
    }

    @Test
    void implUsesOnlyTheContractAndTheJdk() {
        ArchRule rule = classes().that().resideInAPackage("dev.nestcheck.impl..")
                .should().onlyDependOnClassesThat()
                .resideInAnyPackage("dev.nestcheck.impl..", "dev.nestcheck.spec", "java..")
                .allowEmptyShould(false)
                .because("only the contract package dev.nestcheck.spec may be used");
        rule.check(MAIN);
    }

    @Test
    void implDoesNotUseReflection() {
        ArchRule rule = noClasses().that().resideInAPackage("dev.nestcheck.impl..")
                .should().dependOnClassesThat().resideInAPackage("java.lang.reflect..")
                .allowEmptyShould(false);
        rule.check(MAIN);
    }
}
