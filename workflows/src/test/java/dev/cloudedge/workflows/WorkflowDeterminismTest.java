package dev.cloudedge.workflows;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Workflow code stays deterministic: nothing in the workflows module's main code reads the clock,
 * sleeps, starts threads, draws randomness or touches files and sockets except through {@code
 * Workflow.*}. The classes of this module are workflow implementations, their scripts and the
 * records they exchange, so the rule covers all of them (activity implementations live in
 * {@code activities/}). This stands in for {@code temporal-workflowcheck}, which no registry this
 * project can reach serves.
 */
class WorkflowDeterminismTest {
  private static JavaClasses main;

  @BeforeAll
  static void importMain() {
    main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.cloudedge.workflows");
  }

  @Test
  void noWallClockSleepThreadsOrRandomness() {
    ArchRule rule = noClasses().should().callMethod(System.class, "currentTimeMillis")
        .orShould().callMethod(System.class, "nanoTime")
        .orShould().callMethodWhere(com.tngtech.archunit.core.domain.JavaCall.Predicates.target(
            com.tngtech.archunit.core.domain.properties.HasName.Predicates.name("now"))
            .and(com.tngtech.archunit.core.domain.JavaCall.Predicates.target(
                com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner(
                    com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage("java.time")))))
        .orShould().callMethod(Thread.class, "sleep", long.class)
        .orShould().callConstructor(Thread.class, Runnable.class)
        .orShould().callMethod(Math.class, "random")
        .orShould().callMethod(java.util.UUID.class, "randomUUID")
        .orShould().dependOnClassesThat().haveFullyQualifiedName(java.util.Random.class.getName())
        .orShould().dependOnClassesThat().haveFullyQualifiedName(java.util.concurrent.ThreadLocalRandom.class.getName())
        .because("workflow code must take time, sleep and randomness from Workflow.*");
    rule.check(main);
  }

  @Test
  void noIoOrNetwork() {
    // java.net.URI only parses text (the endpoint checks of an approval): deterministic, no I/O.
    ArchRule rule = noClasses().should().dependOnClassesThat(
            com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage(
                    "java.io..", "java.nio.file..", "java.net..", "java.sql..", "io.netty..")
                .and(com.tngtech.archunit.base.DescribedPredicate.not(
                    com.tngtech.archunit.core.domain.JavaClass.Predicates.equivalentTo(java.net.URI.class))))
        .because("workflow code asks activities for side effects");
    rule.check(main);
  }

  @Test
  void noBlockingConcurrencyPrimitives() {
    ArchRule rule = noClasses().should().dependOnClassesThat()
        .resideInAnyPackage("java.util.concurrent.locks..")
        .orShould().dependOnClassesThat().haveFullyQualifiedName(java.util.concurrent.CompletableFuture.class.getName())
        .orShould().dependOnClassesThat().haveFullyQualifiedName(java.util.concurrent.ExecutorService.class.getName())
        .because("workflow code waits with Workflow.await and Promise, never on JVM primitives");
    rule.check(main);
  }
}
