package org.camelgateway;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The packages stay layers (see each package-info): no two packages depend on each other through any chain, the
 * command line is imported by nobody, the shared vocabulary and Netty plumbing import nothing of the gateway, and
 * the listener and backend sides meet only through the packages below them.
 */
class LayeringTest {

    private static JavaClasses gateway;

    @BeforeAll
    static void importMainClasses() {
        gateway = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.camelgateway");
    }

    @Test
    void packagesAreFreeOfCycles() {
        slices().matching("org.camelgateway.(*)..").should().beFreeOfCycles().check(gateway);
    }

    @Test
    void nothingImportsTheCommandLine() {
        noClasses().that().resideOutsideOfPackage("org.camelgateway")
                .should().dependOnClassesThat().resideInAPackage("org.camelgateway").check(gateway);
    }

    @Test
    void exchangeAndTransportImportNothingOfTheGateway() {
        noClasses().that().resideInAnyPackage("org.camelgateway.exchange..", "org.camelgateway.transport..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "org.camelgateway", "org.camelgateway.config..", "org.camelgateway.reload..",
                        "org.camelgateway.listener..", "org.camelgateway.backend..", "org.camelgateway.balancer..",
                        "org.camelgateway.ratelimit..", "org.camelgateway.body..", "org.camelgateway.headers..",
                        "org.camelgateway.errors..", "org.camelgateway.management..")
                .check(gateway);
    }

    @Test
    void listenerAndBackendDoNotImportEachOther() {
        noClasses().that().resideInAPackage("org.camelgateway.listener..")
                .should().dependOnClassesThat().resideInAPackage("org.camelgateway.backend..").check(gateway);
        noClasses().that().resideInAPackage("org.camelgateway.backend..")
                .should().dependOnClassesThat().resideInAPackage("org.camelgateway.listener..").check(gateway);
    }
}
