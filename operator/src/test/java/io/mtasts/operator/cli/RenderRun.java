package io.mtasts.operator.cli;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import picocli.CommandLine;

/** One run of {@code mta-sts-operator render ...} through the real command line, captured. */
public record RenderRun(int exitCode, String out, String err) {

  /** The time every run allocates a new resource's policy id at. */
  public static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

  public static RenderRun of(String... args) {
    return withStdin("", args);
  }

  /** Runs with the clock at {@code now}. */
  public static RenderRun at(Instant now, String... args) {
    return run(now, "", args);
  }

  /** Runs with {@code stdin} as standard input, for {@code -f -}. */
  public static RenderRun withStdin(String stdin, String... args) {
    return run(NOW, stdin, args);
  }

  private static RenderRun run(Instant now, String stdin, String... args) {
    CommandLine cl = Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    RenderCommand render = cl.getSubcommands().get("render").getCommand();
    render.stdin = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
    render.clock = Clock.fixed(now, ZoneOffset.UTC);
    String[] full = new String[args.length + 1];
    full[0] = "render";
    System.arraycopy(args, 0, full, 1, args.length);
    int exit = cl.execute(full);
    return new RenderRun(exit, out.toString(), err.toString());
  }

  public List<String> errLines() {
    return err.lines().toList();
  }

  @Override
  public String toString() {
    return "exit " + exitCode + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
  }
}
