package io.mtasts.operator.bench.scale;

import io.mtasts.operator.runtime.CommonPoolParallelism;
import io.mtasts.operator.runtime.LogSetup;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The scale benchmark of bench/run.sh: the operator reconciling, resyncing and holding N policies,
 * then the live verifier checking N domains. Prints a table and ends with the RESULT line.
 *
 * <p>Settings (environment): BENCH_CRS (default 1000), BENCH_VERIFY_DOMAINS (default BENCH_CRS),
 * BENCH_VERIFY_CONCURRENCY (default 32), BENCH_PHASE_TIMEOUT (seconds one phase may take, default
 * 180), BENCH_SKIP (operator or verify), BENCH_APISERVER (process: the mock API server in a JVM
 * of its own, the default; inprocess: in this one), KUBECONFIG (run against that cluster instead
 * of the mock API server).
 */
public final class ScaleBenchmark {

  /** What to run, from the environment. */
  record Settings(int crs, int verifyDomains, int verifyConcurrency, Duration phaseTimeout,
      String skip, boolean apiServerInProcess) {

    static Settings from(Map<String, String> env) {
      int crs = intOf(env, "BENCH_CRS", 1000, 1);
      return new Settings(crs,
          intOf(env, "BENCH_VERIFY_DOMAINS", crs, 1),
          intOf(env, "BENCH_VERIFY_CONCURRENCY", 32, 1),
          Duration.ofSeconds(intOf(env, "BENCH_PHASE_TIMEOUT", 180, 1)),
          env.getOrDefault("BENCH_SKIP", "").toLowerCase(Locale.ROOT),
          "inprocess".equals(env.getOrDefault("BENCH_APISERVER", "process")));
    }

    static int intOf(Map<String, String> env, String key, int fallback, int min) {
      String v = env.get(key);
      if (v == null || v.isBlank()) {
        return fallback;
      }
      int n;
      try {
        n = Integer.parseInt(v.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(key + "='" + v + "' is not a whole number");
      }
      if (n < min) {
        throw new IllegalArgumentException(key + " must be at least " + min + ", was " + n);
      }
      return n;
    }
  }

  private ScaleBenchmark() {}

  public static void main(String[] args) throws Exception {
    // as the operator's own main does
    CommonPoolParallelism.atLeastTwo();
    LogSetup.apply("text", System.getenv().getOrDefault("BENCH_LOG_LEVEL", "WARN"));
    Settings settings = Settings.from(System.getenv());
    PrintStream log = System.out;
    Figures figures = new Figures();
    figures.info(null, "machine", Runtime.getRuntime().availableProcessors() + " CPUs, Java "
        + System.getProperty("java.version") + ", " + loadAverage());
    String namespace = OperatorScaleRun.NAMESPACE_PREFIX + "-"
        + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
    int status = 0;
    try {
      if (!settings.skip().contains("operator")) {
        new OperatorScaleRun(settings, figures, log, namespace).run();
      }
      if (!settings.skip().contains("verify")) {
        new VerificationThroughput(settings, figures, log).run();
      }
    } catch (Exception | Error e) {
      figures.note("the run stopped early: " + e);
      e.printStackTrace(log);
      status = 2;
    }
    figures.info("load", "load average at the end", loadAverage().replace("load ", ""));
    log.println();
    figures.printTable(log);
    log.println(figures.resultLine());
    log.flush();
    // informer and server threads are not all daemons; the figures are out, so end here
    System.exit(status != 0 ? status : figures.allMet() ? 0 : 1);
  }

  private static String loadAverage() {
    double load = java.lang.management.ManagementFactory.getOperatingSystemMXBean()
        .getSystemLoadAverage();
    return String.format(Locale.ROOT, "load %.2f", load);
  }
}
