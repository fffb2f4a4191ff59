package io.kindling.scheduler;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.kindling.scheduler.db.RunStore;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The direction of dependencies, checked in the byte code (scheduler/README.md, "Packages"). Maven's enforcer
 * checks the modules' artifacts; this checks the classes, including those of modules on this module's class path.
 */
class ArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.kindling");
    }

    @Test
    void schedulerPackagesFormNoCycle() {
        slices().matching("io.kindling.scheduler.(*)..")
                .should()
                .beFreeOfCycles()
                .check(classes);
    }

    @Test
    void modelDependsOnlyOnTheJdkAndTheDsl() {
        noClasses()
                .that()
                .resideInAPackage("io.kindling.scheduler.model..")
                .should()
                .dependOnClassesThat()
                .resideOutsideOfPackages("java..", "io.kindling.scheduler.model..", "io.kindling.dsl..")
                .check(classes);
    }

    @Test
    void onlyTheApplicationRootWiresThePackages() {
        noClasses()
                .that()
                .resideInAPackage("io.kindling.scheduler.(*)..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.kindling.scheduler")
                .check(classes);
    }

    @Test
    void onlyTheEngineWritesRuns() {
        noClasses()
                .that()
                .resideInAnyPackage(
                        "io.kindling.scheduler.resources..",
                        "io.kindling.scheduler.api..",
                        "io.kindling.scheduler.alerts..",
                        "io.kindling.scheduler.schedule..")
                .should()
                .dependOnClassesThat()
                .areAssignableTo(RunStore.class)
                .because("the API, the ticker and the alerts read the run history (RunQueries); only the engine "
                        + "writes it, fenced by its owner")
                .check(classes);
    }

    @Test
    void executorsKnowNothingOfTheScheduler() {
        noClasses()
                .that()
                .resideInAPackage("io.kindling.executor..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.kindling.scheduler..", "org.quartz..", "io.dropwizard..", "org.jdbi..", "jakarta.ws.rs..")
                .check(classes);
    }

    @Test
    void theDslKnowsNothingOfSparkOrTheDaemon() {
        noClasses()
                .that()
                .resideInAPackage("io.kindling.dsl..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "org.apache.spark..",
                        "io.dropwizard..",
                        "org.jdbi..",
                        "io.kindling.executor..",
                        "io.kindling.scheduler..")
                .check(classes);
    }
}
