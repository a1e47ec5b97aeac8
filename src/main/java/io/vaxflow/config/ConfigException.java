package io.vaxflow.config;

/**
 * A configuration problem, found while the server starts: which file, which key (a dotted path such
 * as {@code sites[1].hallCapacity} or {@code flow.leaseSec}, or the environment variable that set the
 * value, such as {@code CLOCK}) and what is wrong with it. The server prints the message and stops.
 */
public class ConfigException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String file;
  private final String key;
  private final String reason;

  public ConfigException(String file, String key, String reason) {
    this(file, key, reason, null);
  }

  public ConfigException(String file, String key, String reason, Throwable cause) {
    super(file + ": " + key + ": " + reason, cause);
    this.file = file;
    this.key = key;
    this.reason = reason;
  }

  /**
   * A problem found while binding, at {@code key} relative to the value being bound ({@code ""}: the value itself);
   * the loader names the file and the full key.
   */
  static ConfigException at(String key, String reason) {
    return new ConfigException("", key, reason);
  }

  /** The configuration file, as it was named to the loader (e.g. {@code config/vaxflow.yaml}). */
  public String file() {
    return file;
  }

  /** The offending key: a dotted path ({@code sites[1].hallCapacity}), an environment variable or {@code (syntax)}. */
  public String key() {
    return key;
  }

  /** What is wrong, e.g. "must be a whole number from 1 to 100000". */
  public String reason() {
    return reason;
  }
}
