package dev.llmfleet;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The import graph: api ← common ← kinds ← entry points, and no package imports one that imports it
 * back. A newcomer can read any package knowing only the ones below it. The programs that run
 * inside the pods the operator creates (inpod) are a layer beside the kinds: they stand on api and
 * common, only the entry points start them, and they and the operator side never import each other.
 */
class LayeringTest {

  private static final JavaClasses CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.llmfleet");

  @Test
  void layersOnlyImportTheLayersBelow() {
    layeredArchitecture()
        .consideringOnlyDependenciesInLayers()
        .layer("api")
        .definedBy("dev.llmfleet.api..")
        .layer("common")
        .definedBy("dev.llmfleet.common..", "dev.llmfleet.config..")
        .layer("kinds")
        .definedBy(
            "dev.llmfleet.download..",
            "dev.llmfleet.modelserver..",
            "dev.llmfleet.finetune..",
            "dev.llmfleet.secrets..",
            "dev.llmfleet.metrics..")
        .layer("in-pod programs")
        .definedBy("dev.llmfleet.inpod..")
        .layer("entry points")
        .definedBy("dev.llmfleet", "dev.llmfleet.cli..")
        .whereLayer("entry points")
        .mayNotBeAccessedByAnyLayer()
        .whereLayer("kinds")
        .mayOnlyBeAccessedByLayers("entry points")
        .whereLayer("in-pod programs")
        .mayOnlyBeAccessedByLayers("entry points")
        .whereLayer("common")
        .mayOnlyBeAccessedByLayers("kinds", "in-pod programs", "entry points")
        .whereLayer("api")
        .mayOnlyBeAccessedByLayers("common", "kinds", "in-pod programs", "entry points")
        .check(CLASSES);
  }

  @Test
  void packagesAreFreeOfCycles() {
    // Every package its own slice, subpackages included: modelserver and modelserver.autoscaling
    // are two.
    slices().matching("dev.llmfleet.(**)").should().beFreeOfCycles().check(CLASSES);
  }
}
