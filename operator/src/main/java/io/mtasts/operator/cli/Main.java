package io.mtasts.operator.cli;

import io.mtasts.operator.runtime.CommonPoolParallelism;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The single entry point of the jar: dispatches to the subcommands. */
@Command(
    name = "mta-sts-operator",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Serves, advertises and verifies MTA-STS policies for mail domains.",
    subcommands = {
      RunCommand.class,
      ServeCommand.class,
      CheckCommand.class,
      LintCommand.class,
      RenderCommand.class,
      ReportCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    CommonPoolParallelism.atLeastTwo();
    System.exit(execute(args));
  }

  /** Runs a command line and returns its exit code; the tests call this. */
  public static int execute(String... args) {
    return commandLine().execute(args);
  }

  static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    ErrorHandler handler = new ErrorHandler();
    cl.setExecutionExceptionHandler(handler);
    cl.setParameterExceptionHandler(handler);
    return cl;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
  }
}
