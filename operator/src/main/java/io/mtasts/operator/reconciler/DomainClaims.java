package io.mtasts.operator.reconciler;

import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One owner per mail domain. Two resources for one domain would publish two Ingresses for one
 * policy host and two TXT records with different ids, and a sender could fetch either policy; in
 * the all-namespaces mode a tenant could take over another's domain. So the oldest resource
 * (creation time, then uid) owns a domain, compared case-insensitively, and every other resource
 * for it is refused until the owner is deleted or names another domain.
 *
 * <p>The decision is taken from an informer's cache of all policies, indexed by domain, with no
 * API call per reconcile. The same informer's events (a policy created, deleted, or moved to
 * another domain) wake the other resources of the domain, so the next oldest takes over on its
 * own when the owner goes.
 */
public final class DomainClaims {

  static final String EVENT_SOURCE = "domain-claims";
  private static final String INDEX = "mtasts.io/domain";

  /**
   * What the cache says about one resource's domain.
   *
   * @param settled false when the cache has not yet seen the resource with its current domain;
   *     nothing may be decided then, since an older claim may not have arrived either
   * @param owner the owning resource when it is another one
   */
  public record Claim(boolean settled, Optional<MtaStsPolicy> owner) {
    static final Claim OWN = new Claim(true, Optional.empty());
    static final Claim UNSETTLED = new Claim(false, Optional.empty());
  }

  private volatile InformerEventSource<MtaStsPolicy, MtaStsPolicy> policies;
  /** Refused resource to the owner that refused it: the owner's events must wake them. */
  private final Map<ResourceID, ResourceID> refusedBy = new ConcurrentHashMap<>();

  /** The informer of all policies the controller watches, indexed by domain. */
  public InformerEventSource<MtaStsPolicy, MtaStsPolicy> eventSource(
      EventSourceContext<MtaStsPolicy> context) {
    var configuration = InformerEventSourceConfiguration
        .from(MtaStsPolicy.class, MtaStsPolicy.class)
        .withName(EVENT_SOURCE)
        .withNamespacesInheritedFromController()
        .withSecondaryToPrimaryMapper(this::affectedBy)
        // status writes and other edits leave every claim as it was
        .withOnUpdateFilter((updated, old) -> !key(updated).equals(key(old)))
        // a claim is decided by metadata and spec.domain: the status (most of a policy's size)
        // is not kept in this second cache of every policy
        .withItemStore(PrunedItemStore.policiesWithoutStatus())
        .build();
    InformerEventSource<MtaStsPolicy, MtaStsPolicy> source =
        new InformerEventSource<>(configuration, context);
    source.addIndexers(Map.of(INDEX, p -> List.of(key(p))));
    this.policies = source;
    return source;
  }

  /** The domain as claimed: lower case, without a trailing dot. */
  static String key(MtaStsPolicy policy) {
    String domain = policy.getSpec() == null ? null : policy.getSpec().getDomain();
    if (domain == null) {
      return "";
    }
    String d = domain.endsWith(".") ? domain.substring(0, domain.length() - 1) : domain;
    return d.toLowerCase(Locale.ROOT);
  }

  /** The resources whose claim may change with {@code changed}: its domain's, and its refused. */
  private Set<ResourceID> affectedBy(MtaStsPolicy changed) {
    Set<ResourceID> ids = new HashSet<>();
    for (MtaStsPolicy p : policies.byIndex(INDEX, key(changed))) {
      ids.add(ResourceID.fromResource(p));
    }
    ResourceID id = ResourceID.fromResource(changed);
    refusedBy.forEach((refused, owner) -> {
      if (owner.equals(id)) {
        ids.add(refused);
      }
    });
    return ids;
  }

  /** Who owns the domain of {@code policy}, from the cache. */
  public Claim check(MtaStsPolicy policy) {
    String uid = policy.getMetadata().getUid();
    ResourceID self = ResourceID.fromResource(policy);
    List<MtaStsPolicy> claimants = policies.byIndex(INDEX, key(policy));
    if (claimants.stream().noneMatch(p -> Objects.equals(p.getMetadata().getUid(), uid))) {
      return Claim.UNSETTLED;
    }
    MtaStsPolicy owner = claimants.stream().min(OLDEST_FIRST).orElseThrow();
    refusedBy.keySet().removeIf(id -> policies.get(id).isEmpty());
    if (Objects.equals(owner.getMetadata().getUid(), uid)) {
      refusedBy.remove(self);
      return Claim.OWN;
    }
    refusedBy.put(self, ResourceID.fromResource(owner));
    return new Claim(true, Optional.of(owner));
  }

  /** Oldest first: creation time, then uid, as the API server assigned them. */
  static final Comparator<MtaStsPolicy> OLDEST_FIRST =
      Comparator.<MtaStsPolicy, Instant>comparing(p -> created(p))
          .thenComparing(p -> Objects.requireNonNullElse(p.getMetadata().getUid(), ""));

  private static Instant created(MtaStsPolicy policy) {
    String created = policy.getMetadata().getCreationTimestamp();
    try {
      return created == null ? Instant.MAX : Instant.parse(created);
    } catch (DateTimeParseException e) {
      return Instant.MAX;
    }
  }

  /** The message of a refused resource's Ready condition. */
  public static String refusal(MtaStsPolicy policy, MtaStsPolicy owner) {
    String claimed = owner.getSpec().getDomain();
    return "the domain " + policy.getSpec().getDomain() + " is already claimed by MtaStsPolicy "
        + owner.getMetadata().getNamespace() + "/" + owner.getMetadata().getName()
        + (claimed.equals(policy.getSpec().getDomain()) ? "" : " (as " + claimed + ")")
        + ", the oldest resource for it (created " + owner.getMetadata().getCreationTimestamp()
        + "). One resource owns a domain: this one creates and changes no children until that"
        + " one is deleted or names another domain";
  }
}
