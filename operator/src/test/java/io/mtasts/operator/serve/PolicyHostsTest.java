package io.mtasts.operator.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PolicyHostsTest {

  private static final Instant EARLY = Instant.parse("2026-01-01T00:00:00Z");
  private static final Instant LATE = Instant.parse("2026-02-01T00:00:00Z");

  private final PolicyHosts hosts = new PolicyHosts();

  private static PolicyHosts.Entry entry(String key, String domain, Instant created,
      String body) {
    return new PolicyHosts.Entry(key, domain, created, "uid-" + key, bytes(body));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void findsTheHostWhateverItsCasePortOrTrailingDot() {
    hosts.put(entry("mail/a", "Example.COM", EARLY, "policy a"));

    for (String host : List.of("mta-sts.example.com", "MTA-STS.EXAMPLE.COM",
        "mta-sts.example.com:443", "Mta-Sts.Example.Com:8443", "mta-sts.example.com.",
        " mta-sts.example.com ")) {
      assertThat(hosts.lookup(host)).as(host).hasValueSatisfying(
          b -> assertThat(b).isEqualTo(bytes("policy a")));
    }
  }

  @Test
  void answersNothingForOtherHosts() {
    hosts.put(entry("mail/a", "example.com", EARLY, "policy a"));

    for (String host : new String[] {"example.com", "www.example.com", "mta-sts.example.org",
        "mta-sts.example.com.evil", "x.mta-sts.example.com", "", "[::1]:443", "[::1]",
        "mta-sts.example.com:1:2", null}) {
      assertThat(hosts.lookup(host)).as(String.valueOf(host)).isEmpty();
    }
  }

  @Test
  void servesTheOldestClaimantOfADomainAndNothingOfTheLaterOne() {
    hosts.put(entry("team/late", "example.com", LATE, "later claimant"));
    hosts.put(entry("mail/early", "example.com", EARLY, "owner"));

    assertThat(hosts.lookup("mta-sts.example.com")).hasValue(bytes("owner"));
    assertThat(hosts.size()).isEqualTo(1);

    // the owner gone, the next oldest takes over, as the operator hands the domain on
    hosts.remove("mail/early");
    assertThat(hosts.lookup("mta-sts.example.com")).hasValue(bytes("later claimant"));
  }

  @Test
  void equalCreationTimesAreDecidedByUid() {
    hosts.put(new PolicyHosts.Entry("a/x", "example.com", EARLY, "uid-b", bytes("b")));
    hosts.put(new PolicyHosts.Entry("b/x", "example.com", EARLY, "uid-a", bytes("a")));

    assertThat(hosts.lookup("mta-sts.example.com")).hasValue(bytes("a"));
  }

  @Test
  void anUpdateReplacesTheBytesAndADomainChangeMovesTheHost() {
    hosts.put(entry("mail/a", "example.com", EARLY, "v1"));
    hosts.put(entry("mail/a", "example.com", EARLY, "v2"));
    assertThat(hosts.lookup("mta-sts.example.com")).hasValue(bytes("v2"));

    hosts.put(entry("mail/a", "example.net", EARLY, "v3"));
    assertThat(hosts.lookup("mta-sts.example.com")).isEmpty();
    assertThat(hosts.lookup("mta-sts.example.net")).hasValue(bytes("v3"));
    assertThat(hosts.size()).isEqualTo(1);
  }

  @Test
  void replaceAllDropsWhatTheFullListNoLongerHolds() {
    hosts.put(entry("mail/a", "a.example", EARLY, "a"));
    hosts.put(entry("mail/b", "b.example", EARLY, "b"));

    hosts.replaceAll(List.of(entry("mail/b", "b.example", EARLY, "b2"),
        entry("mail/c", "c.example", EARLY, "c")));

    assertThat(hosts.lookup("mta-sts.a.example")).isEmpty();
    assertThat(hosts.lookup("mta-sts.b.example")).hasValue(bytes("b2"));
    assertThat(hosts.lookup("mta-sts.c.example")).hasValue(bytes("c"));
    assertThat(hosts.size()).isEqualTo(2);
  }

  @Test
  void removingAnUnknownPolicyChangesNothing() {
    hosts.put(entry("mail/a", "a.example", EARLY, "a"));
    hosts.remove("mail/zzz");
    assertThat(hosts.lookup("mta-sts.a.example")).hasValue(bytes("a"));
  }
}
