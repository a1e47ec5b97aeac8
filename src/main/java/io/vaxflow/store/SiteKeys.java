package io.vaxflow.store;

/**
 * Key names a Java caller needs directly. Every key of a site starts with {@code vf:{site}:}, the
 * hash tag placing all of a site's keys in one Redis Cluster slot; the full list of keys is
 * documented at the top of lua/lib.lua, where the scripts use them.
 */
public final class SiteKeys {

  private SiteKeys() {}

  public static String prefix(String site) {
    return "vf:{" + site + "}";
  }

  public static String settings(String site) {
    return prefix(site) + ":settings";
  }

  public static String events(String site) {
    return prefix(site) + ":events";
  }

  /** One ticket, under the day it was issued on. */
  public static String ticket(String site, String day, String number) {
    return prefix(site) + ":t:" + day + ":" + number;
  }

  public static String dayStart(String site) {
    return prefix(site) + ":daystart";
  }

  /** The call events only, with their event ids: the calls feed's bounded index. */
  public static String calls(String site) {
    return prefix(site) + ":calls";
  }

  /** Repeat sayings due: 'callId|n' scored by due ms. */
  public static String says(String site) {
    return prefix(site) + ":says";
  }

  public static String displayLast(String site) {
    return prefix(site) + ":displays:last";
  }

}
