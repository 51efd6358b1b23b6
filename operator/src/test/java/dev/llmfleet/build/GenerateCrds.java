package dev.llmfleet.build;

import dev.llmfleet.api.v1alpha1.Download;
import dev.llmfleet.api.v1alpha1.FineTuneJob;
import dev.llmfleet.api.v1alpha1.ModelServer;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Writes the CRDs of the API classes into each directory given as argument (crds/ and the Helm chart's crds/).
 * Runs in the build (exec-maven-plugin), not at run time: the generator is a test-scope dependency.
 */
public final class GenerateCrds {

  static final List<Class<? extends HasMetadata>> KINDS = List.of(Download.class, ModelServer.class, FineTuneJob.class);

  private GenerateCrds() {
  }

  public static void main(String[] args) throws IOException {
    if (args.length == 0) {
      throw new IllegalArgumentException("usage: GenerateCrds <output dir>...");
    }
    Path first = Path.of(args[0]);
    Files.createDirectories(first);
    new CRDGenerator()
        .customResourceClasses(KINDS)
        .forCRDVersions("v1")
        .withPostProcessor(new PrinterColumnsInDeclarationOrder())
        .inOutputDir(first.toFile())
        .generate();
    for (String other : Arrays.asList(args).subList(1, args.length)) {
      copyYamlFiles(first, Path.of(other));
    }
  }

  private static void copyYamlFiles(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (var files = Files.list(from)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yml")).toList()) {
        Files.copy(file, to.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  /**
   * The generator sorts printer columns by JSON path, so AGE would come second; kubectl shows them in CRD order,
   * which here is the order of the {@link AdditionalPrinterColumn} annotations on the class.
   */
  static final class PrinterColumnsInDeclarationOrder implements CRDPostProcessor {

    @Override
    public HasMetadata process(HasMetadata crd, String crdSpecVersion) {
      CustomResourceDefinition definition = (CustomResourceDefinition) crd;
      Class<?> kind = KINDS.stream()
          .filter(k -> k.getSimpleName().equals(definition.getSpec().getNames().getKind()))
          .findFirst()
          .orElseThrow();
      List<String> declared = Arrays.stream(kind.getAnnotationsByType(AdditionalPrinterColumn.class))
          .map(AdditionalPrinterColumn::name)
          .toList();
      for (CustomResourceDefinitionVersion version : definition.getSpec().getVersions()) {
        Map<String, CustomResourceColumnDefinition> byName = version.getAdditionalPrinterColumns().stream()
            .collect(Collectors.toMap(CustomResourceColumnDefinition::getName, Function.identity()));
        version.setAdditionalPrinterColumns(byName.values().stream()
            .sorted(Comparator.comparingInt(column -> declared.indexOf(column.getName())))
            .toList());
      }
      return crd;
    }
  }
}
