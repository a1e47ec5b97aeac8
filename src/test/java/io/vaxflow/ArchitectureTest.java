package io.vaxflow;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The package layout as rules: no cycles between the packages of src/main/java, the web layer is
 * the edge (no domain package depends on it), and the store and config sit at the bottom.
 */
@AnalyzeClasses(packages = "io.vaxflow", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  @ArchTest
  static final ArchRule packagesAreFreeOfCycles = slices().matching("io.vaxflow.(*)..").should().beFreeOfCycles();

  @ArchTest
  static final ArchRule onlyTheServerDependsOnTheWebLayer = noClasses()
      .that().resideOutsideOfPackages("io.vaxflow", "io.vaxflow.web..")
      .should().dependOnClassesThat().resideInAPackage("io.vaxflow.web..");

  @ArchTest
  static final ArchRule configDependsOnNoOtherPart = noClasses()
      .that().resideInAPackage("io.vaxflow.config..")
      .should().dependOnClassesThat().resideInAnyPackage(
          "io.vaxflow.announce..", "io.vaxflow.appointment..", "io.vaxflow.checkin..", "io.vaxflow.dispatch..",
          "io.vaxflow.flow..", "io.vaxflow.gateway..", "io.vaxflow.monitor..", "io.vaxflow.simulate..",
          "io.vaxflow.store..", "io.vaxflow.web..");

  @ArchTest
  static final ArchRule theStoreKnowsNothingOfTheFlowAbove = noClasses()
      .that().resideInAPackage("io.vaxflow.store..")
      .should().dependOnClassesThat().resideInAnyPackage(
          "io.vaxflow.announce..", "io.vaxflow.appointment..", "io.vaxflow.checkin..", "io.vaxflow.dispatch..",
          "io.vaxflow.flow..", "io.vaxflow.gateway..", "io.vaxflow.monitor..", "io.vaxflow.simulate..",
          "io.vaxflow.web..");
}
