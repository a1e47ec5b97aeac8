package io.vaxflow.gateway;

import io.vaxflow.security.PinHash;
import io.vaxflow.config.ConfigException;
import io.vaxflow.config.ConfigLoader;
import java.io.Console;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The command to add a staff member to the config, with the PIN stored under PBKDF2:
 * <pre>
 *   java -cp target/vaxflow.jar io.vaxflow.gateway.StaffTool add --id nurse-li --name "Li Na" \
 *        --roles vaccinator --sites pudong [--pin 4711] [--config config/vaxflow.yaml]
 * </pre>
 * Without {@code --pin} the PIN is asked for (not echoed). The file is validated after the change
 * and left as it was if the new entry does not load.
 */
public final class StaffTool {

  private StaffTool() {}

  public static void main(String[] args) throws IOException {
    if (args.length == 0 || !args[0].equals("add")) {
      System.err.println("usage: StaffTool add --id ID --name NAME --roles door,desk,vaccinator,manager,admin "
          + "--sites SITE,...|* [--pin PIN] [--config FILE]");
      System.exit(2);
    }
    Map<String, String> opt = new HashMap<>();
    for (int i = 1; i + 1 < args.length; i += 2) opt.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    for (String required : List.of("id", "name", "roles", "sites")) {
      if (!opt.containsKey(required)) {
        System.err.println("missing --" + required);
        System.exit(2);
      }
    }
    String pin = opt.get("pin");
    if (pin == null) {
      Console console = System.console();
      pin = console != null ? new String(console.readPassword("PIN for %s: ", opt.get("id")))
          : new String(System.in.readAllBytes(), StandardCharsets.UTF_8).strip();
    }
    Path file = Path.of(opt.getOrDefault("config", "config/vaxflow.yaml"));
    try {
      add(file, opt.get("id"), opt.get("name"), List.of(opt.get("roles").split(",")),
          List.of(opt.get("sites").split(",")), pin);
      System.out.println("added " + opt.get("id") + " to " + file);
    } catch (ConfigException e) {
      System.err.println("not added: " + e.getMessage());
      System.exit(1);
    }
  }

  /** Appends the staff entry to the file's {@code staff:} list (its last section) and validates the file. */
  public static void add(Path file, String id, String name, List<String> roles, List<String> sites, String pin)
      throws IOException {
    if (pin == null || !pin.matches("[0-9]{4,12}")) throw new ConfigException(file.toString(), "pin", "must be 4 to 12 digits");
    String before = Files.readString(file, StandardCharsets.UTF_8);
    int staff = before.lastIndexOf("\nstaff:");
    if (staff < 0 || before.substring(staff + 7).lines().anyMatch(l -> l.matches("[A-Za-z].*"))) {
      throw new ConfigException(file.toString(), "staff", "the staff list must be the file's last section");
    }
    String entry = "  - id: " + quote(id) + "\n    name: " + quote(name) + "\n    pinHash: " + quote(PinHash.hash(pin))
        + "\n    roles: [" + String.join(", ", roles.stream().map(StaffTool::quote).toList()) + "]"
        + "\n    sites: [" + String.join(", ", sites.stream().map(StaffTool::quote).toList()) + "]\n";
    String after = (before.endsWith("\n") ? before : before + "\n") + entry;
    Files.writeString(file, after, StandardCharsets.UTF_8);
    try {
      ConfigLoader.load(file, Map.of());
    } catch (ConfigException e) {
      Files.writeString(file, before, StandardCharsets.UTF_8);
      throw e;
    }
  }

  private static String quote(String s) {
    return "\"" + s.strip().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
