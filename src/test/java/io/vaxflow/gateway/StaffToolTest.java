package io.vaxflow.gateway;

import io.vaxflow.security.PinHash;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaxflow.config.ConfigException;
import io.vaxflow.config.ConfigLoader;
import io.vaxflow.config.StaffAccount;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command that adds staff: the entry loads, its PIN verifies, a bad entry leaves the file as it was. */
class StaffToolTest {

  @Test
  void addsAStaffMemberWhosePinVerifies(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("vaxflow.yaml");
    Files.copy(Path.of("config/vaxflow.yaml"), file);
    StaffTool.add(file, "nurse-li", "Li Na", List.of("vaccinator"), List.of("pudong"), "4711");
    StaffAccount a = ConfigLoader.load(file, Map.of()).staffAccount("nurse-li").orElseThrow();
    assertEquals(Set.of(StaffAccount.Role.VACCINATOR), a.roles());
    assertTrue(a.worksAt("pudong") && !a.worksAt("xuhui"));
    assertTrue(PinHash.verify("4711", a.pinHash()));
    assertTrue(!PinHash.verify("4712", a.pinHash()));
    assertTrue(!Files.readString(file).contains("4711"), "the PIN itself is never written");
  }

  @Test
  void aBadEntryLeavesTheFileUnchanged(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("vaxflow.yaml");
    Files.copy(Path.of("config/vaxflow.yaml"), file);
    String before = Files.readString(file);
    assertThrows(ConfigException.class,
        () -> StaffTool.add(file, "x-ray", "X", List.of("surgeon"), List.of("pudong"), "1234"));
    assertThrows(ConfigException.class,
        () -> StaffTool.add(file, "y-ray", "Y", List.of("desk"), List.of("atlantis"), "1234"));
    assertThrows(ConfigException.class,
        () -> StaffTool.add(file, "z-ray", "Z", List.of("desk"), List.of("pudong"), "12"));
    assertEquals(before, Files.readString(file));
  }
}
