package io.vaxflow;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package layout as rules, read from the table of docs/architecture.md ("The packages"), so the
 * document and the build cannot drift: every package of src/main/java has its row, and each
 * depends on no package of ours but those its "may depend on" column names ("nothing of ours",
 * "everything", or a list of packages). No cycles between packages either.
 */
class ArchitectureTest {

  private static final Path DOC = Path.of("docs/architecture.md");
  private static final Path SOURCES = Path.of("src/main/java/io/vaxflow");
  /** A row of the table: | `package` | what it is | may depend on |. */
  private static final Pattern ROW = Pattern.compile("^\\| `([a-z]+)` \\|.*\\| ([^|]+) \\|\\s*$");
  private static final Pattern NAME = Pattern.compile("`([a-z]+)`");

  private static JavaClasses classes;

  @BeforeAll
  static void load() {
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.vaxflow");
  }

  /** The packages of the table and what each may depend on (null: everything). */
  static Map<String, Set<String>> table() throws IOException {
    Map<String, Set<String>> rows = new LinkedHashMap<>();
    for (String line : Files.readAllLines(DOC)) {
      Matcher row = ROW.matcher(line);
      if (!row.matches()) continue;
      String column = row.group(2).strip();
      Set<String> may = new TreeSet<>();
      Matcher name = NAME.matcher(column);
      while (name.find()) may.add(name.group(1));
      if (column.equals("everything")) may = null;
      else assertTrue(column.equals("nothing of ours") || !may.isEmpty(),
          "docs/architecture.md: `" + row.group(1) + "` may depend on \"" + column + "\": name the packages, or say nothing of ours / everything");
      rows.put(row.group(1), may);
    }
    return rows;
  }

  private static Set<String> packages() throws IOException {
    try (Stream<Path> dirs = Files.list(SOURCES)) {
      return dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
    }
  }

  @Test
  void everyPackageHasItsRowInTheDocument() throws IOException {
    Map<String, Set<String>> table = table();
    assertFalse(table.isEmpty(), "the table of docs/architecture.md was read");
    assertEquals(packages(), new TreeSet<>(table.keySet()), "packages of src/main/java vs. rows of docs/architecture.md");
    for (var row : table.entrySet()) {
      if (row.getValue() == null) continue;
      for (String dep : row.getValue()) assertTrue(table.containsKey(dep), "`" + row.getKey() + "` may depend on `" + dep + "`, which has no row");
    }
  }

  @Test
  void eachPackageDependsOnlyOnWhatItsRowAllows() throws IOException {
    Map<String, Set<String>> table = table();
    for (var row : table.entrySet()) {
      if (row.getValue() == null) continue;
      String[] others = table.keySet().stream()
          .filter(p -> !p.equals(row.getKey()) && !row.getValue().contains(p))
          .map(p -> "io.vaxflow." + p + "..").toArray(String[]::new);
      if (others.length == 0) continue;
      noClasses().that().resideInAPackage("io.vaxflow." + row.getKey() + "..")
          .should().dependOnClassesThat().resideInAnyPackage(others)
          .as("`" + row.getKey() + "` depends only on " + (row.getValue().isEmpty() ? "nothing of ours" : row.getValue())
              + " (docs/architecture.md)")
          .check(classes);
    }
  }

  @Test
  void onlyTheServerItselfIsAbovePackages() {
    // io.vaxflow's own classes (Main, VaxflowServer) put the parts together: no part depends on them
    noClasses().that().resideOutsideOfPackage("io.vaxflow")
        .should().dependOnClassesThat().resideInAPackage("io.vaxflow")
        .check(classes);
  }

  @Test
  void packagesAreFreeOfCycles() {
    slices().matching("io.vaxflow.(*)..").should().beFreeOfCycles().check(classes);
  }
}
