package io.mtasts.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.mtasts.operator.localserver.LocalDnsServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The soak of e2e/faults.sh ({@code --soak}): continuous random changes across many policies
 * (200 by default) for a set time (30 minutes by default), the operator jar SIGKILLed every 2 to
 * 4 minutes and started again. Every 30 s it asks the operator JVM for a full collection and
 * reads the used heap after it and the thread count; the slopes of both over time (MiB and
 * threads per hour, within each process's life, its first minute left out) are in the RESULT
 * line with the invariants of the {@link FaultObserver}.
 */
class SoakRun {

  private static final Duration WARM_UP = Duration.ofSeconds(60);
  private static final Duration SAMPLE_EVERY = Duration.ofSeconds(30);

  private final long seed = Long.getLong("faults.seed", System.nanoTime());
  private final int policies = Integer.getInteger("faults.policies", 200);
  private final Duration length = Duration.ofMinutes(Long.getLong("faults.soakMinutes", 30));
  private final Duration bound = Duration.ofSeconds(Long.getLong("faults.boundSeconds", 300));
  private final Path logs = Path.of(System.getProperty("faults.logDir",
      System.getProperty("java.io.tmpdir")));
  private final Random random = new Random(seed);

  /** One sample: the process's life it belongs to, seconds since the soak began, values. */
  private record Sample(int life, double seconds, double heapMib, double threads) {}

  private final List<Sample> samples = Collections.synchronizedList(new ArrayList<>());
  private final AtomicLong maxHeapKib = new AtomicLong();

  @Test
  void run() throws Exception {
    System.out.println("SEED " + seed + " (rerun: e2e/faults.sh --soak --seed " + seed + ")");
    assertThat(OperatorReplica.JAR).as("the jar is built by 'mvn package' first").isReadable();
    AtomicBoolean running = new AtomicBoolean(true);
    long begin = System.nanoTime();
    try (RealCluster cluster = RealCluster.connect("soak");
        LoopbackPods pods = new LoopbackPods();
        LocalDnsServer dns = LocalDnsServer.start();
        FaultObserver observer = new FaultObserver(cluster, pods)) {
      observer.start();
      OperatorReplica operator = new OperatorReplica("soak", cluster, dns.hostAndPort(), logs,
          false);
      Life life = new Life();
      operator.start();
      life.began();
      Thread kubelet = daemon("kubelet", observer::playKubelet);
      kubelet.start();
      Thread sampler = daemon("sampler", () -> sample(operator, life, begin, running));
      sampler.start();
      RandomChanges changes = new RandomChanges(cluster, observer, random, policies);
      changes.createAll();

      long end = begin + length.toNanos();
      long nextKill = System.nanoTime() + killGap();
      int kills = 0;
      while (System.nanoTime() < end) {
        changes.one();
        Thread.sleep(200 + random.nextInt(800));
        if (System.nanoTime() >= nextKill) {
          operator.kill();
          observer.killed();
          kills++;
          Thread.sleep(random.nextInt(1500));
          operator.start();
          life.began();
          nextKill = System.nanoTime() + killGap();
        }
      }
      observer.faultsEnded();
      String failure = observer.awaitConvergence(bound, changes.names());
      running.set(false);
      sampler.interrupt();
      double minutes = (System.nanoTime() - begin) / 60e9;
      List<Sample> taken;
      synchronized (samples) {
        taken = new ArrayList<>(samples);
      }
      double heapSlope = slopePerHour(taken, Sample::heapMib);
      double threadSlope = slopePerHour(taken, Sample::threads);
      String result = String.format(Locale.ROOT,
          "RESULT scenarios=1 kills=%d premature_ids=%d lost_children=%d"
              + " duplicate_children=%d orphans=%d stuck=%d converge_p50_s=%.1f"
              + " converge_p99_s=%.1f max_heap_mib=%d soak_minutes=%.1f policies=%d changes=%d"
              + " samples=%d heap_after_gc_slope_mib_per_h=%.1f threads_slope_per_h=%.1f"
              + " heap_after_gc_max_mib=%.1f threads_max=%.0f",
          observer.kills(), observer.premature(), observer.lost(), observer.duplicates(),
          observer.orphans(), observer.stuck(), observer.convergePercentile(50),
          observer.convergePercentile(99), maxHeapKib.get() / 1024, minutes, policies,
          changes.made(), taken.size(), heapSlope, threadSlope,
          taken.stream().mapToDouble(Sample::heapMib).max().orElse(Double.NaN),
          taken.stream().mapToDouble(Sample::threads).max().orElse(Double.NaN));
      Files.writeString(logs.resolve("result.txt"), result + "\n");
      Files.write(logs.resolve("samples.tsv"), taken.stream().map(s -> String.format(Locale.ROOT,
          "%d\t%.0f\t%.1f\t%.0f", s.life(), s.seconds(), s.heapMib(), s.threads())).toList());
      System.out.println(result);
      operator.stop();
      assertThat(kills).as("kills during the soak").isPositive();
      assertThat(taken.size()).as("heap and thread samples (at least 3)").isGreaterThanOrEqualTo(3);
      assertThat(failure).as("invariants (scenario soak, seed " + seed + ")").isNull();
    }
  }

  private long killGap() {
    return TimeUnit.SECONDS.toNanos(120 + random.nextInt(121));
  }

  /** Which life of the operator process runs, and since when. */
  private static final class Life {
    private volatile int number;
    private volatile long since;

    void began() {
      since = System.nanoTime();
      number++;
    }
  }

  private void sample(OperatorReplica operator, Life life, long begin, AtomicBoolean running) {
    while (running.get()) {
      try {
        Thread.sleep(SAMPLE_EVERY.toMillis());
      } catch (InterruptedException e) {
        return;
      }
      int number = life.number;
      long pid = operator.pid();
      if (!operator.alive()) {
        continue;
      }
      JvmSample.usedHeapKib(pid).ifPresent(k -> maxHeapKib.accumulateAndGet(k, Math::max));
      if (System.nanoTime() - life.since < WARM_UP.toNanos()) {
        continue;
      }
      OptionalLong heap = JvmSample.heapAfterGcKib(pid);
      OptionalLong threads = JvmSample.threads(pid);
      // a kill between the reads leaves a sample of two processes: dropped
      if (heap.isPresent() && threads.isPresent() && number == life.number
          && pid == operator.pid()) {
        samples.add(new Sample(number, (System.nanoTime() - begin) / 1e9,
            heap.getAsLong() / 1024.0, threads.getAsLong()));
      }
    }
  }

  /**
   * The slope of a value over time within each process's life (each life its own intercept,
   * since a restart starts from a fresh heap), per hour; NaN without two samples in one life.
   */
  static double slopePerHour(List<Sample> samples, java.util.function.ToDoubleFunction<Sample> v) {
    double sxy = 0;
    double sxx = 0;
    for (int life : samples.stream().map(Sample::life).distinct().toList()) {
      List<Sample> in = samples.stream().filter(s -> s.life() == life).toList();
      if (in.size() < 2) {
        continue;
      }
      double mx = in.stream().mapToDouble(Sample::seconds).average().orElse(0);
      double my = in.stream().mapToDouble(v).average().orElse(0);
      for (Sample s : in) {
        sxy += (s.seconds() - mx) * (v.applyAsDouble(s) - my);
        sxx += (s.seconds() - mx) * (s.seconds() - mx);
      }
    }
    return sxx == 0 ? Double.NaN : sxy / sxx * 3600;
  }

  private static Thread daemon(String name, Runnable body) {
    Thread t = new Thread(body, "soak-" + name);
    t.setDaemon(true);
    return t;
  }
}
