package io.mtasts.operator.plan;

import io.mtasts.operator.api.v1alpha1.MtaStsPolicyStatus;
import io.mtasts.operator.api.v1alpha1.PolicyRollout;
import io.mtasts.operator.policy.PolicyId;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Decides the policy id of the desired policy bytes. Ids are allocated, not derived from the
 * bytes.
 *
 * <p>A sender fetches a policy again only when the id in the {@code _mta-sts} TXT record differs
 * from the id of the policy it cached (RFC 8461 sections 3.1 and 5), and the served policy must
 * change before the id does (section 8.1). If an id stood for the bytes alone, a change from A to
 * B that reached some pods and was then reverted to A would leave id(A) advertised the whole
 * time: every sender that fetched B meanwhile would keep B until its {@code max_age} expired. So
 * once bytes other than those of the advertised id may have been served, the next id advertised
 * is one never advertised before, even when the bytes equal an older policy.
 *
 * <p>An id is {@code yyyyMMddHHmmss} (the allocation time in UTC) followed by the first
 * {@value #HASH_CHARS} base32 characters of the bytes' SHA-256: 20 letters and digits, within the
 * TXT record's 1 to 32. The time is forced strictly after the previous allocation kept in status,
 * so ids of one resource only ever grow (also for two changes within one second, or a new leader
 * whose clock is behind), and a resource deleted and created again starts after every earlier
 * id, as long as the clock does not go back.
 *
 * <p>Everything an allocation depends on is kept in the resource's status ({@code rollout}),
 * written before the bytes reach the web server, so every restart and every leader decides the
 * same id. Instances are values; {@link #decide} is a pure function of them.
 */
public final class PolicyIds {

  /** Base32 characters of the bytes' hash after the time. */
  public static final int HASH_CHARS = 6;

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC);
  private static final Pattern ALLOCATED = Pattern.compile("[0-9]{14}[a-z2-7]{" + HASH_CHARS + "}");
  private static final Pattern VALID_ID = Pattern.compile("[A-Za-z0-9]{1,32}");

  private final String advertisedId;
  private final byte[] advertisedBytes;
  private final PolicyRollout rollout;
  private final byte[] liveBytes;
  private final Instant now;

  private PolicyIds(String advertisedId, byte[] advertisedBytes, PolicyRollout rollout,
      byte[] liveBytes, Instant now) {
    this.advertisedId = advertisedId;
    this.advertisedBytes = advertisedBytes;
    this.rollout = rollout;
    this.liveBytes = liveBytes;
    this.now = now;
  }

  /** For a resource with no status and no children yet, allocating at {@code now}. */
  public static PolicyIds forNewResource(Instant now) {
    return new PolicyIds(null, null, null, null, now);
  }

  /**
   * From what a reconcile knows: the stored status (null when there is none), the policy text in
   * the live ConfigMap (empty when there is none) and the time.
   */
  public static PolicyIds of(MtaStsPolicyStatus status, Optional<String> livePolicy,
      Instant now) {
    String advertised = status == null ? null : status.getPolicyId();
    String advertisedText = status == null ? null : status.getPolicy();
    boolean advertisedKnown = advertised != null && advertisedText != null;
    return new PolicyIds(
        advertisedKnown ? advertised : null,
        advertisedKnown ? advertisedText.getBytes(StandardCharsets.US_ASCII) : null,
        status == null ? null : status.getRollout(),
        livePolicy.map(t -> t.getBytes(StandardCharsets.US_ASCII)).orElse(null),
        now);
  }

  /**
   * The id of {@code desired}; with {@link Decision#allocation()} present it is a new one, to be
   * written to status before the bytes are written anywhere else.
   */
  public record Decision(String id, Optional<PolicyRollout> allocation) {
    public boolean isNew() {
      return allocation.isPresent();
    }
  }

  /** Which id {@code desired} gets, and whether it is newly allocated. */
  public Decision decide(byte[] desired) {
    String sha = sha256Hex(desired);
    boolean rolloutUsable = rollout != null && rollout.getPolicyId() != null
        && VALID_ID.matcher(rollout.getPolicyId()).matches();
    boolean liveOther = liveBytes != null && !Arrays.equals(liveBytes, desired);
    if (rolloutUsable && sha.equals(rollout.getPolicySha256())) {
      if (!rollout.getPolicyId().equals(advertisedId)) {
        // allocated for these bytes and never advertised yet: the rollout goes on under it
        return new Decision(rollout.getPolicyId(), Optional.empty());
      }
      if (!liveOther) {
        return new Decision(advertisedId, Optional.empty());
      }
      // the web server's ConfigMap holds other bytes than the advertised id stands for
      return allocate(desired);
    }
    if (advertisedId != null && Arrays.equals(advertisedBytes, desired)
        && rollout == null && !liveOther) {
      // advertised before allocations were kept in status; nothing else can have been served
      return new Decision(advertisedId, Optional.empty());
    }
    return allocate(desired);
  }

  private Decision allocate(byte[] desired) {
    Instant at = now.truncatedTo(ChronoUnit.SECONDS);
    Optional<Instant> floor = previousAllocation();
    if (floor.isPresent() && !at.isAfter(floor.get())) {
      at = floor.get().truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
    }
    String id = format(at, desired);
    return new Decision(id, Optional.of(new PolicyRollout(id, sha256Hex(desired), at.toString())));
  }

  /** The latest time any id of this resource was allocated at, as far as status tells. */
  private Optional<Instant> previousAllocation() {
    Optional<Instant> latest = timeOf(advertisedId);
    if (rollout != null) {
      latest = later(latest, timeOf(rollout.getPolicyId()));
      latest = later(latest, parseInstant(rollout.getAllocatedAt()));
    }
    return latest;
  }

  private static Optional<Instant> later(Optional<Instant> a, Optional<Instant> b) {
    if (a.isEmpty()) {
      return b;
    }
    if (b.isEmpty()) {
      return a;
    }
    return a.get().isAfter(b.get()) ? a : b;
  }

  private static Optional<Instant> parseInstant(String text) {
    if (text == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.parse(text));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /** The id allocated at {@code at} for {@code bytes}. */
  public static String format(Instant at, byte[] bytes) {
    return TIME.format(at) + PolicyId.of(bytes).substring(0, HASH_CHARS);
  }

  /** The allocation time an id of this format carries; empty for any other id. */
  public static Optional<Instant> timeOf(String id) {
    if (id == null || !ALLOCATED.matcher(id).matches()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.from(TIME.parse(id.substring(0, 14))));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /** Lower-case hex SHA-256, as kept in {@code status.rollout.policySha256}. */
  public static String sha256Hex(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime provides SHA-256", e);
    }
  }
}
