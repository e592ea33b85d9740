package io.noxus.secretsagent;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * Dependencies run one way: cli → daemon → app → (kube →) (engine, action) ; engine → (format, output, backend) → config →
 * base (secret, time, json). {@code app} is the one composition root: it wires the host, the backends and the action
 * runner, and owns "render, then act". The daemon wraps backends (to poll each on its own schedule) and writes its
 * state through the atomic writer.
 */
@AnalyzeClasses(packages = "io.noxus.secretsagent", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
    @ArchTest
    static final ArchRule layersAreOneWay = layeredArchitecture().consideringOnlyDependenciesInLayers()
            .layer("cli").definedBy("..secretsagent.cli..")
            .layer("daemon").definedBy("..secretsagent.daemon..")
            .layer("app").definedBy("..secretsagent.app..")
            .layer("kube").definedBy("..secretsagent.kube..")
            .layer("engine").definedBy("..secretsagent.engine..")
            .layer("action").definedBy("..secretsagent.action..")
            .layer("format").definedBy("..secretsagent.format..")
            .layer("output").definedBy("..secretsagent.output..")
            .layer("backend").definedBy("..secretsagent.backend..")
            .layer("config").definedBy("..secretsagent.config..")
            .layer("base").definedBy("..secretsagent.secret..", "..secretsagent.time..", "..secretsagent.json..",
                    "..secretsagent.log..")
            .whereLayer("cli").mayNotBeAccessedByAnyLayer()
            .whereLayer("daemon").mayOnlyBeAccessedByLayers("cli")
            .whereLayer("app").mayOnlyBeAccessedByLayers("cli", "daemon")
            .whereLayer("kube").mayOnlyBeAccessedByLayers("cli", "app")
            .whereLayer("engine").mayOnlyBeAccessedByLayers("cli", "daemon", "app", "kube")
            .whereLayer("action").mayOnlyBeAccessedByLayers("cli", "daemon", "app")
            .whereLayer("format").mayOnlyBeAccessedByLayers("engine")
            .whereLayer("output").mayOnlyBeAccessedByLayers("engine", "daemon", "app")
            .whereLayer("backend").mayOnlyBeAccessedByLayers("engine", "daemon", "app", "kube")
            .whereLayer("config").mayOnlyBeAccessedByLayers("cli", "daemon", "app", "kube", "engine", "action",
                    "format", "output", "backend")
            .whereLayer("base").mayOnlyBeAccessedByLayers("cli", "daemon", "app", "kube", "engine", "action",
                    "format", "output", "backend", "config");

    @ArchTest
    static final ArchRule noCycles = slices().matching("io.noxus.secretsagent.(*)..").should().beFreeOfCycles();

    /** Only the host's real() names the real clock, environment and machine id. */
    @ArchTest
    static final ArchRule onlyTheHostNamesTheRealMachine = com.tngtech.archunit.lang.syntax.ArchRuleDefinition
            .noClasses().that().doNotHaveFullyQualifiedName("io.noxus.secretsagent.app.Host")
            .should().callMethod(java.time.Clock.class, "systemUTC")
            .orShould().callMethod(System.class, "getenv")
            .orShould().callMethod(System.class, "getenv", String.class);
}
