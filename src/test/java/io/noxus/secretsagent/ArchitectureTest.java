package io.noxus.secretsagent;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** Dependencies run one way: cli → engine → (action, format, output, backend) → config → secret/time. */
@AnalyzeClasses(packages = "io.noxus.secretsagent", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
    @ArchTest
    static final ArchRule layersAreOneWay = layeredArchitecture().consideringOnlyDependenciesInLayers()
            .layer("cli").definedBy("..secretsagent.cli..")
            .layer("engine").definedBy("..secretsagent.engine..")
            .layer("action").definedBy("..secretsagent.action..")
            .layer("format").definedBy("..secretsagent.format..")
            .layer("output").definedBy("..secretsagent.output..")
            .layer("backend").definedBy("..secretsagent.backend..")
            .layer("config").definedBy("..secretsagent.config..")
            .layer("base").definedBy("..secretsagent.secret..", "..secretsagent.time..")
            .whereLayer("cli").mayNotBeAccessedByAnyLayer()
            .whereLayer("engine").mayOnlyBeAccessedByLayers("cli")
            .whereLayer("action").mayOnlyBeAccessedByLayers("cli", "engine")
            .whereLayer("format").mayOnlyBeAccessedByLayers("engine")
            .whereLayer("output").mayOnlyBeAccessedByLayers("engine")
            .whereLayer("backend").mayOnlyBeAccessedByLayers("engine")
            .whereLayer("config").mayOnlyBeAccessedByLayers("cli", "engine", "action", "format", "output",
                    "backend")
            .whereLayer("base").mayOnlyBeAccessedByLayers("cli", "engine", "action", "format", "output",
                    "backend", "config");

    @ArchTest
    static final ArchRule noCycles = slices().matching("io.noxus.secretsagent.(*)..").should().beFreeOfCycles();
}
