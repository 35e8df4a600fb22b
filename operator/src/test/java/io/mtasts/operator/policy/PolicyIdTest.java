package io.mtasts.operator.policy;

import static io.mtasts.operator.policy.Mode.ENFORCE;
import static io.mtasts.operator.policy.Mode.NONE;
import static io.mtasts.operator.policy.Mode.TESTING;
import static io.mtasts.operator.policy.PolicyParserTest.RFC_8461_EXAMPLE_POLICY;
import static io.mtasts.operator.policy.PolicyParserTest.policy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The policy id published in the {@code _mta-sts} record: a function of the served bytes only,
 * so replicas agree on it and any change of the bytes changes it.
 */
class PolicyIdTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      RFC 8461's example, canonical | version: STSv1\\r\\nmode: enforce\\r\\nmx: mail.example.com\\r\\nmx: *.example.net\\r\\nmx: backupmx.example.com\\r\\nmax_age: 604800\\r\\n | w7d7r3fprrrl7vwiqqjp
      mode none, canonical          | version: STSv1\\r\\nmode: none\\r\\nmax_age: 86400\\r\\n | ssav5nqud63okutirc7w
      no bytes at all               | ''                                                     | 4oymiquy7qobjgx36tej
      """)
  void isTheStartOfTheLowerCaseBase32Sha256(String name, String escaped, String id) {
    byte[] bytes = escaped.replace("\\r", "\r").replace("\\n", "\n")
        .getBytes(StandardCharsets.US_ASCII);

    assertThat(PolicyId.of(bytes)).isEqualTo(id);
  }

  @Test
  void policyIdIsTheIdOfItsCanonicalBytes() {
    assertThat(RFC_8461_EXAMPLE_POLICY.id()).isEqualTo("w7d7r3fprrrl7vwiqqjp");
    assertThat(policy(NONE, 86400).id()).isEqualTo("ssav5nqud63okutirc7w");
  }

  @Test
  void agreesWithAnIndependentBase32OfTheDigestForManyInputs() throws Exception {
    Random random = new Random(8461);
    for (int i = 0; i < 2_000; i++) {
      byte[] bytes = new byte[random.nextInt(300)];
      random.nextBytes(bytes);

      assertThat(PolicyId.of(bytes)).isEqualTo(first100BitsInBase32(bytes));
    }
  }

  @Test
  void isTwentyCharactersOfLowerCaseBase32AndAValidStsRecordId() {
    Random random = new Random(8460);
    for (int i = 0; i < 1_000; i++) {
      byte[] bytes = new byte[random.nextInt(100)];
      random.nextBytes(bytes);

      String id = PolicyId.of(bytes);

      assertThat(id).hasSize(PolicyId.LENGTH).hasSize(20).matches("[a-z2-7]{20}");
      assertThat(StsRecordParser.parse(new StsRecord(id).render()).get().id()).isEqualTo(id);
    }
  }

  @Test
  void isDeterministic() {
    byte[] bytes = RFC_8461_EXAMPLE_POLICY.renderBytes();

    assertThat(PolicyId.of(bytes)).isEqualTo(PolicyId.of(bytes.clone()))
        .isEqualTo(PolicyId.of(RFC_8461_EXAMPLE_POLICY.renderBytes()))
        .isEqualTo(RFC_8461_EXAMPLE_POLICY.id());
  }

  static Stream<Arguments> changedPolicies() {
    Policy base = policy(ENFORCE, 604800, "mx1.example.com", "mx2.example.com");
    return Stream.of(
        arguments("mode enforce to testing", base,
            policy(TESTING, 604800, "mx1.example.com", "mx2.example.com")),
        arguments("mode enforce to none", base,
            policy(NONE, 604800, "mx1.example.com", "mx2.example.com")),
        arguments("mx order swapped", base,
            policy(ENFORCE, 604800, "mx2.example.com", "mx1.example.com")),
        arguments("one mx more", base,
            policy(ENFORCE, 604800, "mx1.example.com", "mx2.example.com", "mx3.example.com")),
        arguments("one mx less", base, policy(ENFORCE, 604800, "mx1.example.com")),
        arguments("mx written in upper case", base,
            policy(ENFORCE, 604800, "MX1.example.com", "mx2.example.com")),
        arguments("mx made a wildcard", base,
            policy(ENFORCE, 604800, "*.example.com", "mx2.example.com")),
        arguments("max_age one second longer", base,
            policy(ENFORCE, 604801, "mx1.example.com", "mx2.example.com")),
        arguments("max_age one second shorter", base,
            policy(ENFORCE, 604799, "mx1.example.com", "mx2.example.com")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("changedPolicies")
  void changesWhenThePolicyChanges(String change, Policy before, Policy after) {
    assertThat(after.id()).isNotEqualTo(before.id());
  }

  @Test
  void changesWithEveryFlippedBit() {
    byte[] bytes = RFC_8461_EXAMPLE_POLICY.renderBytes();
    Set<String> ids = new HashSet<>();
    ids.add(PolicyId.of(bytes));
    for (int i = 0; i < bytes.length * 8; i++) {
      byte[] flipped = bytes.clone();
      flipped[i / 8] ^= (byte) (1 << (i % 8));
      ids.add(PolicyId.of(flipped));
    }

    assertThat(ids).hasSize(bytes.length * 8 + 1);
  }

  /** RFC 4648 base32 of the digest's first 100 bits, computed through BigInteger. */
  private static String first100BitsInBase32(byte[] bytes) throws Exception {
    byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
    BigInteger top = new BigInteger(1, digest).shiftRight(256 - 100);
    StringBuilder out = new StringBuilder();
    for (int group = 19; group >= 0; group--) {
      int value = top.shiftRight(group * 5).intValue() & 0x1f;
      out.append("abcdefghijklmnopqrstuvwxyz234567".charAt(value));
    }
    return out.toString();
  }
}
