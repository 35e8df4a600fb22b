package io.mtasts.operator.serve;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Settings of {@code serve}: MTASTS_SERVE_* environment variables, each overridden by its flag.
 *
 * @param server the MtaStsPolicyServer whose policies are served, NAMESPACE/NAME
 * @param namespaces the namespaces watched; empty for all
 */
public record ServeConfig(String server, List<String> namespaces, String address, int port,
    int managementPort) {

  public static final String SERVER = "MTASTS_SERVE_SERVER";
  public static final String NAMESPACES = "MTASTS_SERVE_NAMESPACES";
  public static final String ADDRESS = "MTASTS_SERVE_ADDRESS";
  public static final String PORT = "MTASTS_SERVE_PORT";
  public static final String MANAGEMENT_PORT = "MTASTS_SERVE_MANAGEMENT_PORT";

  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");

  /** A value that is not allowed; the message names the setting and what is. */
  public static final class InvalidException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InvalidException(String message) {
      super(message);
    }
  }

  /**
   * The settings from {@code values}, keyed by variable name.
   *
   * @param names how to name each variable in a message (its flag when the flag gave it)
   */
  public static ServeConfig from(Map<String, String> values, Map<String, String> names) {
    String server = values.getOrDefault(SERVER, "").strip();
    String[] parts = server.split("/", -1);
    if (parts.length != 2 || !LABEL.matcher(parts[0]).matches()
        || !NAME.matcher(parts[1]).matches()) {
      throw new InvalidException(names.getOrDefault(SERVER, SERVER) + "='" + server + "': the"
          + " MtaStsPolicyServer to serve is required, as NAMESPACE/NAME in lower case (for"
          + " example mail/policy-server)");
    }
    List<String> namespaces = new ArrayList<>();
    for (String ns : values.getOrDefault(NAMESPACES, "").split(",")) {
      String n = ns.strip();
      if (n.isEmpty()) {
        continue;
      }
      if (!LABEL.matcher(n).matches()) {
        throw new InvalidException(names.getOrDefault(NAMESPACES, NAMESPACES) + "='"
            + values.get(NAMESPACES) + "': '" + n + "' is not a namespace name; give a"
            + " comma-separated list of namespaces, or nothing for all");
      }
      if (!namespaces.contains(n)) {
        namespaces.add(n);
      }
    }
    String address = values.getOrDefault(ADDRESS, "0.0.0.0").strip();
    if (address.isEmpty()) {
      address = "0.0.0.0";
    }
    int port = port(values, names, PORT, 8080);
    int management = port(values, names, MANAGEMENT_PORT, 8081);
    if (port == management && port != 0) {
      throw new InvalidException(names.getOrDefault(MANAGEMENT_PORT, MANAGEMENT_PORT) + "='"
          + management + "': the management port must differ from the policy port");
    }
    return new ServeConfig(server, namespaces, address, port, management);
  }

  private static int port(Map<String, String> values, Map<String, String> names, String key,
      int fallback) {
    String value = values.getOrDefault(key, "").strip();
    if (value.isEmpty()) {
      return fallback;
    }
    try {
      int port = Integer.parseInt(value);
      if (port >= 0 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new InvalidException(names.getOrDefault(key, key) + "='" + value + "': a port number"
        + " from 0 to 65535 is allowed");
  }
}
