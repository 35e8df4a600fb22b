package io.mtasts.operator.cli;

import picocli.CommandLine;

/** The version recorded in the jar's manifest at build time. */
final class VersionProvider implements CommandLine.IVersionProvider {
  @Override
  public String[] getVersion() {
    String version = Main.class.getPackage().getImplementationVersion();
    return new String[] {"mta-sts-operator " + (version == null ? "(development build)" : version)};
  }
}
