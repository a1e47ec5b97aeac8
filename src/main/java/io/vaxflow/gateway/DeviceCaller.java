package io.vaxflow.gateway;

import io.vaxflow.security.DeviceToken;

/**
 * Who a device's route serves ({@link Access#device}): an enrolled device of the site, by its credential (whether it
 * is still enrolled is checked in the same round trip as what it does), or, in demo mode, the browser on the
 * server's own computer ({@link Devices#local}), which may be every device of every site.
 */
public sealed interface DeviceCaller {

  /** What its rate limits and its login guard count by: {@code dev:<site>:<id>}, or the local computer's address. */
  String key();

  /** The hash its record is kept under, as the scripts take it; "" for the local computer. */
  String hash();

  /** An enrolled device: what its credential says. */
  record Enrolled(DeviceToken.Claim claim) implements DeviceCaller {
    @Override
    public String key() {
      return "dev:" + claim.site() + ":" + claim.id();
    }

    @Override
    public String hash() {
      return claim.hash();
    }
  }

  /** Demo mode: the browser on this computer, by its address; or one of the server's own parts (the simulator), by name. */
  record Local(String address) implements DeviceCaller {
    @Override
    public String key() {
      return address;
    }

    @Override
    public String hash() {
      return "";
    }
  }
}
