package io.mtasts.operator.bench.scale;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * An address of 198.18.0.0/15 (reserved for tests, RFC 2544) added to the loopback interface for
 * the length of the run: the API server refuses 127.0.0.0/8 in an EndpointSlice, and a server
 * process listening here is as local as on 127.0.0.1. Needs root and iproute2, as the e2e suite.
 */
final class LoopbackAddress implements AutoCloseable {

  final String address;

  private LoopbackAddress(String address) {
    this.address = address;
  }

  static LoopbackAddress add() throws IOException, InterruptedException {
    for (int attempt = 0; attempt < 5; attempt++) {
      ThreadLocalRandom random = ThreadLocalRandom.current();
      String address = "198." + (18 + random.nextInt(2)) + "." + random.nextInt(256) + "."
          + (1 + random.nextInt(254));
      if (NetworkInterface.getByInetAddress(InetAddress.getByName(address)) != null) {
        continue;
      }
      String failure = ip("addr", "add", address + "/32", "dev", "lo", "scope", "host");
      if (failure != null) {
        throw new IllegalStateException("cannot add " + address + "/32 to the loopback interface"
            + " (ip addr add needs root and iproute2): " + failure);
      }
      return new LoopbackAddress(address);
    }
    throw new IllegalStateException("no free address in 198.18.0.0/15 after 5 attempts");
  }

  private static String ip(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("ip"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    if (!p.waitFor(10, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return "ip did not finish within 10 s";
    }
    return p.exitValue() == 0 ? null : out;
  }

  @Override
  public void close() throws IOException, InterruptedException {
    ip("addr", "del", address + "/32", "dev", "lo");
  }
}
