package io.vaxflow.support;

/**
 * The demo city's staff (config/vaxflow.yaml's accounts, with {@link TestPins#DEMO}'s PINs) signed in to a city: each
 * one's cookie header. A city made fresh ({@link CityPerClass#fresh}) forgets them: sign in again after.
 */
public record SiteStaff(String door, String desk, String booth, String observer, String manager) {

  public static SiteStaff signIn(TestCity city) {
    return new SiteStaff(login(city, "door"), login(city, "desk"), login(city, "booth"), login(city, "observer"),
        login(city, "manager"));
  }

  private static String login(TestCity city, String staffId) {
    return city.login(staffId, TestPins.DEMO.get(staffId));
  }
}
