package io.mtasts.operator.bench;

import io.mtasts.operator.policy.PolicyId;
import io.mtasts.operator.policy.PolicyParser;
import io.mtasts.operator.policy.StsRecord;
import io.mtasts.operator.policy.StsRecordParser;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The per-reconcile and per-verification costs of the protocol core: reading and re-rendering a
 * served policy, reading the {@code _mta-sts} record, and computing the policy id.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class PolicyBenchmark {

  /** A typical served policy: RFC 8461's example, three mx lines, CRLF line ends. */
  private static final String TYPICAL_POLICY = "version: STSv1\r\n"
      + "mode: enforce\r\n"
      + "mx: mail.example.com\r\n"
      + "mx: *.example.net\r\n"
      + "mx: backupmx.example.com\r\n"
      + "max_age: 604800\r\n";

  private byte[] policy;
  private String stsRecord;

  @Setup
  public void setUp() {
    policy = TYPICAL_POLICY.getBytes(StandardCharsets.US_ASCII);
    stsRecord = "v=STSv1; id=" + PolicyId.of(policy);
    // a benchmark of a failing parse would measure the wrong path
    if (!PolicyParser.parse(policy).isValid() || !StsRecordParser.parse(stsRecord).isValid()) {
      throw new IllegalStateException("benchmark inputs must be valid");
    }
  }

  @Benchmark
  public byte[] parseAndRenderPolicy() {
    return PolicyParser.parse(policy).get().renderBytes();
  }

  @Benchmark
  public StsRecord parseStsRecord() {
    return StsRecordParser.parse(stsRecord).get();
  }

  @Benchmark
  public String policyId() {
    return PolicyId.of(policy);
  }
}
