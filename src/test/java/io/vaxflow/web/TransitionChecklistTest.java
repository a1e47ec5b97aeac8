package io.vaxflow.web;

import io.vaxflow.support.Ids;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaxflow.errors.ErrorCode;
import io.vaxflow.flow.Station.State;
import io.vaxflow.flow.StationAction;
import io.vaxflow.gateway.Access;
import io.vaxflow.store.Script;
import io.vaxflow.support.TestCity;
import io.vaxflow.support.TestCity.Reply;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * docs/architecture.md, "Adding a transition", as a test: a transition half added fails here. Each
 * station action has its script in the table and its Lua file; its route, declared like the other
 * station actions and covered by StaffAccessTest; its button on the tablet; its words in both
 * languages; and the station states it lists are exactly those its script accepts. And every word
 * the templates and page scripts use is in both dictionaries.
 */
class TransitionChecklistTest {

  private static final Path LUA = Path.of("src/main/resources/lua");
  private static final Path I18N = Path.of("src/main/resources/i18n");
  private static final Path TEMPLATES = Path.of("src/main/resources/templates");
  private static final Path JS = Path.of("webroot/js");
  private static final List<String> LANGS = List.of("en", "zh");

  private static TestCity city;

  /** A city for the checks that need the server (started by the first of them: the others need none). */
  private static TestCity city() {
    if (city == null) {
      city = TestCity.start(Map.of("VAXFLOW_ANNOUNCE_REPEATS", "1", "VAXFLOW_SITES_PUDONG_DESKS", "40",
          "VAXFLOW_SITES_PUDONG_ROOMCAPACITY", "100", "VAXFLOW_SITES_PUDONG_HALLCAPACITY", "200"));
    }
    return city;
  }

  @AfterAll
  static void stop() {
    if (city != null) city.close();
  }

  /** (That every lua file has its line in the table, and each script reads its record: LuaNamesTest.) */
  @Test
  void everyActionRunsAScriptOfTheTable() {
    for (StationAction a : StationAction.values()) {
      assertTrue(Script.all().contains(a.script()), a + " runs " + a.script() + ", which is not in store/Script's table");
      assertTrue(Files.exists(LUA.resolve(a.script().name() + ".lua")), a + ": no lua/" + a.script().name() + ".lua");
      assertFalse(a.states().isEmpty(), a + " applies in no station state");
    }
  }

  @Test
  void everyActionHasItsWordsInBothLanguages() throws IOException {
    for (String lang : LANGS) {
      JsonObject staff = dictionary(lang).getJsonObject("staff");
      for (StationAction a : StationAction.values()) {
        for (String part : List.of("actions", "results")) {
          assertTrue(staff.getJsonObject(part).getValue(a.key()) instanceof String,
              "i18n/" + lang + ".json has no staff." + part + "." + a.key() + " (" + a + ")");
        }
      }
    }
  }

  @Test
  void everyActionHasItsRouteItsButtonAndItsAccessTests() {
    Map<String, Access> declared = new LinkedHashMap<>();
    for (RouteSpec r : city().server.routes()) declared.put(r.key(), r.access());
    String page = city().get("/sites/pudong/staff?lang=zh").body();
    Set<String> buttons = new LinkedHashSet<>();
    Matcher b = Pattern.compile("<button[^>]*data-action=\"([a-z-]+)\"[^>]*>([^<]*)</button>").matcher(
        page.substring(page.indexOf("id=\"actions\"")));
    Map<String, String> labels = new LinkedHashMap<>();
    while (b.find()) {
      buttons.add(b.group(1));
      labels.put(b.group(1), b.group(2).strip());
    }
    Set<String> staffAccess = StaffAccessTest.routes().stream().map(StaffAccessTest.Route::path).collect(Collectors.toSet());
    for (StationAction a : StationAction.values()) {
      String key = "POST /api/v1/sites/:site/stations/:station/" + a.path();
      assertEquals(Access.stationKind(), declared.get(key), a + ": its route " + key + " (web/StationRoutes)");
      assertTrue(buttons.contains(a.path()), a + ": no button on the staff tablet (templates/staff.hbs): " + buttons);
      assertFalse(labels.get(a.path()).isEmpty(), a + "'s button has no words");
      for (String station : List.of("desk-1", "booth-1")) {
        assertTrue(staffAccess.contains("/api/v1/sites/pudong/stations/" + station + "/" + a.path()), a + " at " + station + " in StaffAccessTest");
      }
    }
    assertEquals(Stream.of(StationAction.values()).map(StationAction::path).collect(Collectors.toCollection(LinkedHashSet::new)), buttons,
        "the tablet's buttons are the station actions");
  }

  /** The states an action lists (the tablet offers it there) are exactly those its script accepts, at a desk. */
  @Test
  void everyActionIsAcceptedInTheStatesItListsAndRefusedInTheOthers() {
    TestCity c = city();
    String door = c.login("door", "1357");
    String desk = c.login("desk", "1234");
    // a few people in the room: a call is given back after each round, only done, transfer and no-show keep theirs
    for (int i = 1; i <= 8; i++) {
      String n = c.walkIn("pudong", "Checklist Person", Ids.resident(28, i)).getString("number");
      assertEquals(200, c.post("/api/v1/sites/pudong/door/scan", door, new JsonObject().put("number", n)).status());
    }
    List<String> wrong = new ArrayList<>();
    int station = 0;
    for (State state : State.values()) {
      for (StationAction action : StationAction.values()) {
        String at = "desk-" + (++station % 40 + 1);
        into(c, desk, at, state);
        Reply r = c.post("/api/v1/sites/pudong/stations/" + at + "/" + action.path(), desk,
            action.takesTarget() ? new JsonObject().put("to", "vaccination") : new JsonObject());
        boolean accepted = r.status() / 100 == 2;
        if (!accepted) assertEquals(409, r.status(), action + " at a desk " + state.wire() + ": " + r.body());
        if (accepted != action.states().contains(state)) {
          wrong.add(action + " at a desk " + state.wire() + ": " + r.status() + " " + r.body());
        }
        // the desk back to idle, its ticket to the head of its queue
        String now = r.status() == 200 ? r.json().getJsonObject("station").getString("state") : state.wire();
        if (now.equals("paused")) assertEquals(200, c.post("/api/v1/sites/pudong/stations/" + at + "/resume", desk, new JsonObject()).status());
        if (now.equals("called") || now.equals("serving")) {
          assertEquals(200, c.post("/api/v1/sites/pudong/stations/" + at + "/return", desk, new JsonObject()).status());
        }
      }
    }
    assertEquals(List.of(), wrong, "flow/StationAction's states vs. what the scripts accept");
  }

  /** Brings an idle desk to {@code state}. */
  private static void into(TestCity c, String desk, String at, State state) {
    String base = "/api/v1/sites/pudong/stations/" + at + "/";
    switch (state) {
      case IDLE -> { }
      case PAUSED -> assertEquals(200, c.post(base + "pause", desk, new JsonObject()).status());
      case CALLED, SERVING -> {
        assertEquals(200, c.post(base + "next", desk, new JsonObject()).status(), at + " calls someone");
        if (state == State.SERVING) assertEquals(200, c.post(base + "start", desk, new JsonObject()).status());
      }
    }
  }

  // ---- every word the pages use, in both languages ----

  /** {{t.x.y}}, {{@root.t.x.y}}, name=t2.x.y, {{lookup @root.t.x key}}: a word of a template. */
  private static final Pattern TEMPLATE_WORD = Pattern.compile("(lookup\\s+)?(?:@root\\.)?(?<![\\w.])t2?\\.([A-Za-z0-9_]+(?:\\.[A-Za-z0-9_]+)*)");
  /** A string literal naming a word in a page script: 'page.x', "common.x", `page.results.${key}`. */
  private static final Pattern SCRIPT_WORD = Pattern.compile("['\"`]((?:page|common|errors)\\.[^'\"`]*)['\"`]");
  /** t('...') with a first word other than page, common or errors: a page script reaches no other section. */
  private static final Pattern OTHER_SECTION = Pattern.compile("\\bt\\(\\s*['\"`](?!page\\.|common\\.|errors\\.)([A-Za-z]+\\.[^'\"`]*)");

  @Test
  void everyWordTheTemplatesAndPageScriptsUseIsInBothLanguages() throws IOException {
    Map<String, JsonObject> dict = new LinkedHashMap<>();
    for (String lang : LANGS) dict.put(lang, dictionary(lang));
    List<String> missing = new ArrayList<>();
    List<Path> templates;
    try (Stream<Path> all = Files.walk(TEMPLATES)) {
      templates = all.filter(p -> p.toString().endsWith(".hbs")).sorted().toList();
    }
    for (Path template : templates) {
      String text = Files.readString(template, StandardCharsets.UTF_8);
      Matcher m = TEMPLATE_WORD.matcher(text);
      while (m.find()) {
        boolean lookup = m.group(1) != null;
        for (String lang : LANGS) {
          Object v = at(dict.get(lang), m.group(2));
          if (lookup ? !(v instanceof JsonObject) : !(v instanceof String)) missing.add(TEMPLATES.relativize(template) + ": t." + m.group(2) + " in " + lang);
        }
      }
      // the page's section, and every script module it loads (and what they import)
      String section = template.getFileName().toString().replace(".hbs", "").equals("not-found") ? "notFound"
          : template.getFileName().toString().replace(".hbs", "");
      Matcher src = Pattern.compile("<script type=\"module\" src=\"/js/([a-z-]+\\.js)\"").matcher(text);
      Set<String> modules = new LinkedHashSet<>();
      while (src.find()) imports(src.group(1), modules);
      for (String module : modules) {
        String code = Files.readString(JS.resolve(module), StandardCharsets.UTF_8)
            .replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("(?m)(^|\\s)//.*$", "$1"); // comments name words as examples
        Matcher other = OTHER_SECTION.matcher(code);
        while (other.find()) missing.add(module + ": t('" + other.group(1) + "'): a page script's words are page.*, common.* or errors.*");
        Matcher w = SCRIPT_WORD.matcher(code);
        while (w.find()) {
          String word = w.group(1);
          int dynamic = word.indexOf("${");
          String path = dynamic < 0 ? word : word.substring(0, dynamic);
          boolean prefix = dynamic >= 0 || path.endsWith(".");
          if (prefix) path = path.replaceAll("\\.[^.]*$", ""); // the object the rest of the key is looked up in
          if (path.equals("errors")) continue; // the catalogue, rendered in by web/Pages
          if (path.startsWith("errors.")) {
            if (ErrorCode.of(path.substring(7)).isEmpty()) missing.add(module + ": " + word + " is not in errors/ErrorCode");
            continue;
          }
          String key = path.startsWith("page") ? section + path.substring(4) : path;
          for (String lang : LANGS) {
            Object v = at(dict.get(lang), key);
            boolean isText = v instanceof String || (v instanceof JsonObject o && o.containsKey("other") && o.containsKey("count"));
            if (prefix ? !(v instanceof JsonObject) : !isText) {
              missing.add(module + " on " + TEMPLATES.relativize(template) + ": " + word + " (" + key + ") in " + lang);
            }
          }
        }
      }
    }
    assertEquals(List.of(), missing.stream().distinct().toList(), "words the pages use that a dictionary lacks");
  }

  /** {@code module} and the modules it imports, transitively. */
  private static void imports(String module, Set<String> into) throws IOException {
    if (!into.add(module)) return;
    Matcher m = Pattern.compile("from '\\./([a-z-]+\\.js)'").matcher(Files.readString(JS.resolve(module), StandardCharsets.UTF_8));
    while (m.find()) imports(m.group(1), into);
  }

  private static Object at(JsonObject dict, String key) {
    Object v = dict;
    for (String part : key.split("\\.")) {
      if (!(v instanceof JsonObject o)) return null;
      v = o.getValue(part);
    }
    return v;
  }

  /** The dictionary as the file has it (not through view/Words, which refuses to load two that differ). */
  private static JsonObject dictionary(String lang) throws IOException {
    return new JsonObject(Files.readString(I18N.resolve(lang + ".json"), StandardCharsets.UTF_8));
  }
}
