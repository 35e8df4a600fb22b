package io.mtasts.operator.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.xbill.DNS.Address;

class NonPublicAddressesTest {

  @ParameterizedTest(name = "{0} is {1}")
  @CsvSource(delimiter = '|', value = {
      "127.0.0.1        | loopback",
      "127.8.9.10       | loopback",
      "::1              | loopback",
      "10.1.2.3         | private-use",
      "172.16.0.1       | private-use",
      "172.31.255.254   | private-use",
      "192.168.1.1      | private-use",
      "169.254.1.1      | link-local",
      "fe80::1          | link-local",
      "fd12:3456::1     | unique local (private-use)",
      "100.64.0.1       | shared address space (carrier-grade NAT)",
      "169.254.169.254  | a cloud metadata service",
      "169.254.170.2    | a cloud metadata service",
      "fd00:ec2::254    | a cloud metadata service",
      "100.100.100.200  | a cloud metadata service",
      "0.0.0.0          | the unspecified network",
      "::               | the unspecified address",
      "224.0.0.1        | multicast",
      "ff02::1          | multicast",
      "::ffff:10.0.0.1  | private-use",
      "64:ff9b::7f00:1  | loopback",
  })
  void nonPublicAddressesAreNamedByKind(String literal, String kind) throws Exception {
    assertThat(NonPublicAddresses.kind(address(literal))).contains(kind);
  }

  @ParameterizedTest
  @ValueSource(strings = {"192.0.2.10", "8.8.8.8", "172.32.0.1", "100.128.0.1", "2001:db8::1",
      "2a00:1450:4001:80b::200e", "64:ff9b::808:808"})
  void publicAddressesAreAllowed(String literal) throws Exception {
    assertThat(NonPublicAddresses.kind(address(literal))).isEmpty();
  }

  private static InetAddress address(String literal) throws Exception {
    return Address.getByAddress(literal);
  }
}
