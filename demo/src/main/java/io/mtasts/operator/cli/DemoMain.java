package io.mtasts.operator.cli;

import io.mtasts.operator.runtime.CommonPoolParallelism;
import picocli.CommandLine;

/**
 * Entry point of the demo jar: the {@code demo} command on its own, with its options and
 * {@code --help}. It lives outside the operator's jar because it needs the in-process servers,
 * which the image that runs in clusters must not carry.
 */
public final class DemoMain {

  private DemoMain() {}

  public static void main(String[] args) {
    CommonPoolParallelism.atLeastTwo();
    System.exit(commandLine().execute(args));
  }

  static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new DemoCommand());
    cl.setCommandName("mta-sts-demo");
    cl.getCommandSpec().versionProvider(new VersionProvider());
    ErrorHandler handler = new ErrorHandler();
    cl.setExecutionExceptionHandler(handler);
    cl.setParameterExceptionHandler(handler);
    return cl;
  }
}
