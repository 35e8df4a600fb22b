package io.mtasts.operator.cli;

import picocli.CommandLine;

/**
 * Turns exceptions from commands into one line on standard error and an exit code: 2 for usage
 * problems, 1 for anything else. Stack traces are for bugs, so they appear only with DEBUG set.
 */
final class ErrorHandler
    implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {
  static final int USAGE = 2;

  /** Bad command lines get one line that says what is allowed, not the whole usage text. */
  @Override
  public int handleParseException(CommandLine.ParameterException ex, String[] args) {
    CommandLine cl = ex.getCommandLine();
    String name = cl.getCommandSpec().qualifiedName(" ");
    String message = ex.getMessage();
    if (ex instanceof CommandLine.UnmatchedArgumentException unmatched
        && !cl.getSubcommands().isEmpty()
        && !unmatched.getUnmatched().isEmpty()
        && !unmatched.getUnmatched().get(0).startsWith("-")) {
      message = "unknown command '" + unmatched.getUnmatched().get(0) + "'; expected one of: "
          + String.join(", ", cl.getSubcommands().keySet());
    }
    cl.getErr().println(name + ": " + message + " (see --help)");
    return USAGE;
  }

  @Override
  public int handleExecutionException(
      Exception ex, CommandLine commandLine, CommandLine.ParseResult parseResult) {
    String name = commandLine.getCommandSpec().qualifiedName(" ");
    commandLine.getErr().println(name + ": " + ex.getMessage());
    if (System.getenv("MTASTS_DEBUG") != null) {
      ex.printStackTrace(commandLine.getErr());
    }
    return ex instanceof UsageException ? USAGE : 1;
  }
}
