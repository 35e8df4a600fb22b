package io.mtasts.operator.reconciler;

import io.fabric8.certmanager.api.model.v1.Certificate;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.dependent.workflow.WorkflowReconcileResult;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.mtasts.operator.api.v1alpha1.ConditionTypes;
import io.mtasts.operator.api.v1alpha1.ConditionReasons;
import io.mtasts.operator.api.v1alpha1.KubeDuration;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicyStatus;
import io.mtasts.operator.api.v1alpha1.PolicyRetirement;
import io.mtasts.operator.plan.ChildKind;
import io.mtasts.operator.plan.PolicyIds;
import io.mtasts.operator.plan.PolicyPlan;
import io.mtasts.operator.plan.WebServerConfig;
import io.mtasts.operator.policy.PolicyParser;
import io.mtasts.operator.reconciler.dependent.PolicyCertificateDependent;
import io.mtasts.operator.reconciler.dependent.PolicyConfigMapDependent;
import io.mtasts.operator.reconciler.dependent.PolicyDeploymentDependent;
import io.mtasts.operator.reconciler.dependent.PolicyDnsEndpointDependent;
import io.mtasts.operator.reconciler.dependent.PolicyHttpRouteDependent;
import io.mtasts.operator.reconciler.dependent.PolicyIngressDependent;
import io.mtasts.operator.reconciler.dependent.PolicyListenerSetDependent;
import io.mtasts.operator.reconciler.dependent.PolicyReferenceGrantDependent;
import io.mtasts.operator.reconciler.dependent.PolicyServedCondition;
import io.mtasts.operator.reconciler.dependent.PolicyServiceDependent;
import io.mtasts.operator.reconciler.dependent.RolloutTrouble;
import io.mtasts.operator.reconciler.tlsrpt.TlsRptStatusOwnership;
import io.mtasts.operator.reconciler.status.MxCoverageStatus;
import io.mtasts.operator.reconciler.status.NotServed;
import io.mtasts.operator.reconciler.status.PolicyEvents;
import io.mtasts.operator.reconciler.status.RetiringCondition;
import io.mtasts.operator.reconciler.status.StatusAggregator;
import io.mtasts.operator.reconciler.status.StatusConditions;
import io.mtasts.operator.reconciler.status.TlsSecretFinding;
import io.mtasts.operator.verify.Expectations;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one {@link MtaStsPolicy} into its served policy and reports status: validates the spec,
 * refuses to touch objects it does not own, runs the workflow of children, and advertises a new
 * policy id only once the web server serves exactly the new bytes.
 */
@ControllerConfiguration(
    name = MtaStsPolicyReconciler.NAME,
    // generations alone would miss the pause annotation; the filter decides instead
    generationAwareEventProcessing = false,
    informer = @Informer(onUpdateFilter = SpecOrPauseChanged.class))
@Workflow(
    explicitInvocation = true,
    // refusals by the API server are reported and backed off here (ChildRefusals)
    handleExceptionsInReconciler = true,
    dependents = {
      @Dependent(name = "configmap", type = PolicyConfigMapDependent.class),
      @Dependent(name = "service", type = PolicyServiceDependent.class),
      @Dependent(
          name = "deployment",
          type = PolicyDeploymentDependent.class,
          dependsOn = {"configmap"},
          readyPostcondition = PolicyServedCondition.class),
      @Dependent(
          name = "ingress",
          type = PolicyIngressDependent.class,
          dependsOn = {"service"},
          reconcilePrecondition = PolicyIngressDependent.ExposedByIngress.class),
      @Dependent(
          name = "httproute",
          type = PolicyHttpRouteDependent.class,
          dependsOn = {"service"},
          activationCondition = PolicyHttpRouteDependent.Active.class,
          reconcilePrecondition = PolicyHttpRouteDependent.Wanted.class),
      @Dependent(
          name = "listenerset",
          type = PolicyListenerSetDependent.class,
          activationCondition = PolicyListenerSetDependent.Active.class,
          reconcilePrecondition = PolicyListenerSetDependent.Wanted.class),
      @Dependent(
          name = "referencegrant",
          type = PolicyReferenceGrantDependent.class,
          activationCondition = PolicyReferenceGrantDependent.Active.class,
          reconcilePrecondition = PolicyReferenceGrantDependent.Wanted.class),
      @Dependent(
          name = "certificate",
          type = PolicyCertificateDependent.class,
          activationCondition = PolicyCertificateDependent.CertManagerInstalled.class,
          reconcilePrecondition = PolicyCertificateDependent.IssuerConfigured.class),
      @Dependent(
          name = "dnsendpoint",
          type = PolicyDnsEndpointDependent.class,
          dependsOn = {"deployment", "service"},
          activationCondition = PolicyDnsEndpointDependent.ExternalDnsInstalled.class,
          reconcilePrecondition = PolicyDnsEndpointDependent.ExternalDnsRequested.class)
    })
public class MtaStsPolicyReconciler implements Reconciler<MtaStsPolicy>, AutoCloseable {

  public static final String NAME = "mtastspolicy";
  public static final String PAUSED_ANNOTATION = PauseAnnotation.KEY;

  private static final Logger LOG = LoggerFactory.getLogger(MtaStsPolicyReconciler.class);
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  /** How soon the reconcile that writes a newly allocated id's policy follows its status write. */
  private static final Duration ID_WRITTEN_RECHECK = Duration.ofMillis(10);
  /** How soon a reconcile whose copy was stale runs again (the informer is about to catch up). */
  private static final Duration STALE_COPY_RETRY = Duration.ofMillis(250);

  private final ReconcilerSettings settings;
  private final EndpointProbe probe;
  private final CrdPresence crds;
  private final PolicyEvents events;
  private final Clock clock;
  private final SimpleInboundEventSource<MtaStsPolicy> verificationDone =
      new SimpleInboundEventSource<>("verification");
  private final VerificationScheduler verifications;
  private final PolicyMetrics metrics;
  private final RefusalBackoff refusalBackoff;
  private final ChildRefusals refusals;
  private final MxGuard mxGuard;
  private final DomainClaims domainClaims = new DomainClaims();
  private final SharedServing shared;
  /** The operator's cap on how long a retirement holds mode none; empty for none. */
  private final Optional<Duration> retirementMaxHold;
  private volatile DeletedPolicyPruner pruner;
  /** Exposes policies served by a shared server; DNS from the system until told otherwise. */
  private volatile SharedHostExposure sharedHosts =
      new SharedHostExposure(SystemHostLookup.INSTANCE, Clock.systemUTC());

  public MtaStsPolicyReconciler(
      ReconcilerSettings settings,
      EndpointProbe probe,
      CrdPresence crds,
      PolicyEvents events,
      Clock clock,
      DomainVerifier verifier,
      int verifyConcurrency,
      PolicyMetrics metrics,
      MxGuard mxGuard) {
    this(settings, probe, crds, events, clock, verifier, verifyConcurrency, metrics, mxGuard,
        Optional.empty());
  }

  public MtaStsPolicyReconciler(
      ReconcilerSettings settings,
      EndpointProbe probe,
      CrdPresence crds,
      PolicyEvents events,
      Clock clock,
      DomainVerifier verifier,
      int verifyConcurrency,
      PolicyMetrics metrics,
      MxGuard mxGuard,
      Optional<Duration> retirementMaxHold) {
    this.retirementMaxHold = retirementMaxHold;
    this.settings = settings;
    this.mxGuard = mxGuard;
    this.probe = probe;
    this.crds = crds;
    this.events = events;
    this.clock = clock;
    this.metrics = metrics;
    this.refusalBackoff = new RefusalBackoff(clock);
    this.refusals = new ChildRefusals(refusalBackoff);
    this.shared = new SharedServing(probe);
    this.verifications = new VerificationScheduler(
        verifier, verifyConcurrency, clock, verificationDone::propagateEvent);
  }

  /**
   * The DNS lookup that decides when a shared host's Certificate is requested: the operator's
   * configured DNS servers.
   */
  public void resolveHostsWith(java.util.function.Function<String,
      io.mtasts.operator.verify.HostLookup.HostAnswer> lookup) {
    this.sharedHosts = new SharedHostExposure(lookup, clock);
  }

  @Override
  public List<EventSource<?, MtaStsPolicy>> prepareEventSources(
      EventSourceContext<MtaStsPolicy> context) {
    var cache = context.getPrimaryCache();
    pruner = new DeletedPolicyPruner(id -> cache.get(id).isPresent(), verifications,
        prunesMetrics() ? metrics : null, refusalBackoff);
    if (prunesMetrics()) {
      // this controller's cache holds every policy: the shared servers count from it
      shared.recount().attach(cache);
    }
    return List.of(verificationDone, domainClaims.eventSource(context),
        ServedEndpointSlices.ownServers(context), ServedEndpointSlices.sharedServers(context));
  }

  /** Reports policies' changes of shared serving to the shared servers' reconciler. */
  public void reportSharedServingTo(io.mtasts.operator.reconciler.server.ServerRecount recount) {
    shared.reportTo(recount);
  }

  /**
   * Whether this controller's cache decides when a policy's metric series go: the series are
   * shared with {@link PolicyRetirementReconciler}, whose cache holds only some policies.
   */
  protected boolean prunesMetrics() {
    return true;
  }

  @Override
  public void close() {
    if (pruner != null) {
      pruner.close();
    }
    verifications.close();
    shared.recount().close();
  }

  @Override
  public UpdateControl<MtaStsPolicy> reconcile(
      MtaStsPolicy policy, Context<MtaStsPolicy> context) {
    MtaStsPolicyStatus stored = policy.getStatus();
    Retired retired = new Retired();
    retired.latest = policy;
    Outcome outcome;
    try {
      outcome = updateStatus(policy, context, report -> {
        Outcome decided = decide(policy, context, report);
        report.status().setObservedGeneration(generationOf(policy));
        metrics.served(ResourceID.fromResource(policy),
            policy.getSpec() == null ? null : policy.getSpec().getDomain(),
            report.conditions().isTrue(ConditionTypes.POLICY_SERVED));
        recordRetirement(stored, report, false, 0, retired);
        return decided;
      }, written -> retired.latest = written);
    } catch (PolicyStatusWrite.DeletedMeanwhile e) {
      LOG.debug("{}/{}: deleted during the reconcile; retirement takes over",
          policy.getMetadata().getNamespace(), policy.getMetadata().getName());
      return UpdateControl.noUpdate();
    } catch (PolicyGone gone) {
      LOG.debug("{}", gone.getMessage());
      return UpdateControl.noUpdate();
    } catch (StaleCopy stale) {
      LOG.debug("{}", stale.getMessage());
      return UpdateControl.<MtaStsPolicy>noUpdate().rescheduleAfter(STALE_COPY_RETRY);
    }
    if (retired.protects && !RetirementLabel.present(policy)) {
      RetirementLabel.set(retired.latest, context.getClient());
    }
    outcome = outcome.sooner(retired.untilComplete);
    UpdateControl<MtaStsPolicy> control = UpdateControl.noUpdate();
    outcome.next().ifPresent(control::rescheduleAfter);
    return control;
  }

  /** What a reconcile found about retirement, for the steps after the status write. */
  private static final class Retired {
    /** The policy as this reconcile left it: as read, or as its status write returned it. */
    MtaStsPolicy latest;
    boolean protects;
    Optional<Duration> untilComplete = Optional.empty();
    boolean complete;
    PolicyRetirement record;
  }

  /**
   * Brings status.retirement and the Retiring condition up to date with what this reconcile
   * advertised (see {@link RetirementLedger}).
   */
  private void recordRetirement(MtaStsPolicyStatus stored, StatusAggregator report,
      boolean deleting, long pendingMaxAge, Retired retired) {
    MtaStsPolicyStatus status = report.status();
    Instant now = clock.instant();
    RetirementLedger.Advertised after = RetirementLedger.Advertised.of(status);
    PolicyRetirement record = RetirementLedger.advance(status.getRetirement(),
        RetirementLedger.Advertised.of(stored), after, now, deleting, pendingMaxAge,
        retirementMaxHold);
    status.setRetirement(record);
    Optional<Instant> safe = RetirementLedger.safeToDeleteAfter(record, retirementMaxHold);
    RetiringCondition.report(report.conditions(), record, status.getPolicyId(), safe, deleting,
        now);
    retired.protects = after.protects();
    retired.record = record;
    retired.complete = after.isNone() && RetirementLedger.complete(record, now,
        retirementMaxHold);
    retired.untilComplete = safe.filter(now::isBefore)
        .map(t -> Duration.between(now, t).plusMillis(100));
  }

  /**
   * Retires a policy being deleted (RFC 8461 section 8.3): reconciles it as if its mode were
   * {@code none}, so a new id for the mode none policy is allocated, served everywhere and only
   * then advertised, exactly as any other change; then holds it until the largest max_age
   * senders may have cached has passed. Returns when the finalizer may go.
   */
  protected DeleteControl retire(MtaStsPolicy policy, Context<MtaStsPolicy> context) {
    try {
      return retireFrom(policy, context);
    } catch (StaleCopy stale) {
      LOG.debug("{}", stale.getMessage());
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(STALE_COPY_RETRY);
    }
  }

  private DeleteControl retireFrom(MtaStsPolicy policy, Context<MtaStsPolicy> context) {
    String name = policy.getMetadata().getNamespace() + "/" + policy.getMetadata().getName();
    MtaStsPolicyStatus stored = policy.getStatus();
    PolicyRetirement before = stored == null ? null : stored.getRetirement();
    if (RetireAnnotation.immediate(policy)) {
      LOG.info("{}: {}={}: retirement ends now", name, RetireAnnotation.KEY,
          RetireAnnotation.value(policy));
      events.record(policy, "Warning", ConditionReasons.RETIREMENT_CUT_SHORT,
          RetirementNotices.cutShort(stored, clock.instant(), retirementMaxHold));
      return DeleteControl.defaultDelete();
    }
    RetirementLedger.Advertised advertised = RetirementLedger.Advertised.of(stored);
    if (advertised.isNone() && RetirementLedger.complete(before, clock.instant(),
        retirementMaxHold)) {
      LOG.info("{}: mode none was held long enough before the deletion; deleting", name);
      events.record(policy, "Normal", ConditionReasons.RETIREMENT_COMPLETE,
          RetirementNotices.complete(before, retirementMaxHold));
      return DeleteControl.defaultDelete();
    }
    if (RetirementInTerminatingNamespace.applies(policy, context.getClient())) {
      return RetirementInTerminatingNamespace.hold(policy, clock.instant(), retirementMaxHold,
          events, change -> updateStatus(policy, context, report -> {
            change.accept(report);
            return null;
          }));
    }
    MtaStsPolicy retiring = SERIALIZATION.clone(policy);
    if (retiring.getSpec() != null) {
      retiring.getSpec().setMode(io.mtasts.operator.api.v1alpha1.Mode.NONE);
    }
    // bytes of a rollout under way may have been served under the advertised id
    long pending = policy.getSpec() != null
        && policy.getSpec().effectiveMode() != io.mtasts.operator.api.v1alpha1.Mode.NONE
        ? policy.getSpec().effectiveMaxAge() : 0;
    boolean announce = (before == null || before.getStartedAt() == null)
        && !startRecorded(policy, context);
    Retired retired = new Retired();
    Outcome outcome;
    try {
      outcome = updateStatus(policy, context, report -> {
        Outcome decided = decide(retiring, context, report);
        report.status().setObservedGeneration(generationOf(policy));
        recordRetirement(stored, report, true, pending, retired);
        return decided;
      });
    } catch (PolicyGone gone) {
      LOG.debug("{}", gone.getMessage());
      return DeleteControl.noFinalizerRemoval();
    }
    if (announce) {
      LOG.info("{}: deleted; retiring: mode none is rolled out and held", name);
      events.record(policy, "Normal", ConditionReasons.RETIREMENT_STARTED,
          "deleting the resource started its retirement: a mode none policy with a new id is"
              + " served, then advertised, and held for the largest max_age senders may have"
              + " cached; the children are removed after that");
    }
    if (retired.complete) {
      LOG.info("{}: retirement complete; removing the finalizer", name);
      return DeleteControl.defaultDelete();
    }
    Duration next = outcome.sooner(retired.untilComplete).next()
        .orElse(settings.rolloutRecheck());
    return DeleteControl.noFinalizerRemoval().rescheduleAfter(next);
  }

  /**
   * Whether the API server's copy already records the start of the retirement, which this
   * controller's cache may not show yet (a write from just before a restart): one start Event.
   */
  private static boolean startRecorded(MtaStsPolicy policy, Context<MtaStsPolicy> context) {
    try {
      MtaStsPolicy latest = context.getClient().resources(MtaStsPolicy.class)
          .inNamespace(policy.getMetadata().getNamespace())
          .withName(policy.getMetadata().getName()).get();
      return latest != null && latest.getStatus() != null
          && latest.getStatus().getRetirement() != null
          && latest.getStatus().getRetirement().getStartedAt() != null;
    } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
      return false;
    }
  }

  /**
   * The one way status changes: {@code change} reports into a copy of the current status and its
   * conditions; the copy is written, and Events recorded for its transitions, only when it
   * differs from what is stored.
   */
  private <T> T updateStatus(MtaStsPolicy policy, Context<MtaStsPolicy> context,
      Function<StatusAggregator, T> change) {
    return updateStatus(policy, context, change, written -> {});
  }

  /** As above; {@code onWritten} gets the policy the API server returned, if status changed. */
  private <T> T updateStatus(MtaStsPolicy policy, Context<MtaStsPolicy> context,
      Function<StatusAggregator, T> change, Consumer<MtaStsPolicy> onWritten) {
    MtaStsPolicyStatus before = policy.getStatus();
    MtaStsPolicyStatus status = before == null
        ? new MtaStsPolicyStatus() : SERIALIZATION.clone(before);
    StatusConditions conditions =
        new StatusConditions(status.getConditions(), generationOf(policy), clock.instant());
    T result = change.apply(new StatusAggregator(status, conditions));
    status.setConditions(conditions.toList());
    if (!status.equals(before)) {
      MtaStsPolicy written;
      try {
        written = writeStatus(policy, status, context);
      } catch (RuntimeException e) {
        throw PolicyStatusWrite.refused(e, policy, context.getClient());
      }
      if (status.getRollout() != null && (written.getStatus() == null
          || written.getStatus().getRollout() == null)) {
        // without status.rollout every reconcile would allocate another id and never roll out
        throw new IllegalStateException("the API server dropped status.rollout: the"
            + " MtaStsPolicy CRD in the cluster is older than the operator; apply"
            + " crds/mtastspolicies.mtasts.io-v1.yml");
      }
      events.recordTransitions(policy, before == null ? null : before.getConditions(),
          status.getConditions());
      onWritten.accept(written);
    }
    return result;
  }

  private static long generationOf(MtaStsPolicy policy) {
    return Objects.requireNonNullElse(policy.getMetadata().getGeneration(), 0L);
  }

  /**
   * Writes status computed from {@code policy} if that copy is still the stored one (see
   * {@link PolicyStatusWrite}) and puts the API server's answer into JOSDK's cache of policies.
   * A status patched through UpdateControl is not cached: a reconcile that follows at once, such
   * as the one a finished verification asks for, would start from the informer's older copy.
   */
  private static MtaStsPolicy writeStatus(
      MtaStsPolicy policy, MtaStsPolicyStatus status, Context<MtaStsPolicy> context) {
    var configuration = context.getControllerConfiguration();
    MtaStsPolicy written = PolicyStatusWrite.write(context.getClient(),
        PolicyStatusWrite.serverSideApply(context) ? configuration.fieldManager() : null,
        policy, status);
    context.eventSourceRetriever().getControllerEventSource()
        .handleRecentResourceUpdate(ResourceID.fromResource(policy), written, policy);
    return written;
  }

  /** What a reconcile found, beyond the status it wrote: when to look again, if at all. */
  private record Outcome(Optional<Duration> next) {
    static final Outcome DONE = new Outcome(Optional.empty());

    static Outcome after(Duration d) {
      return new Outcome(Optional.of(d));
    }

    Outcome sooner(Optional<Duration> other) {
      if (other.isEmpty()) {
        return this;
      }
      if (next.isEmpty() || other.get().compareTo(next.get()) < 0) {
        return new Outcome(other);
      }
      return this;
    }
  }

  /** The reconcile order: pause, validate and plan, conflicts, workflow, then status. */
  private Outcome decide(
      MtaStsPolicy policy, Context<MtaStsPolicy> context, StatusAggregator report) {
    String name = policy.getMetadata().getNamespace() + "/" + policy.getMetadata().getName();
    PauseAnnotation pause = PauseAnnotation.of(policy);
    if (pause.state() == PauseAnnotation.State.INVALID) {
      report.pauseValueInvalid(PAUSED_ANNOTATION, pause.value().orElseThrow(),
          PauseAnnotation.ALLOWED);
      return Outcome.DONE;
    }
    if (pause.haltsReconcile()) {
      report.paused(PAUSED_ANNOTATION, pause.value().orElseThrow());
      return Outcome.DONE;
    }
    report.notPaused(PAUSED_ANNOTATION, pause.value());

    PolicyIds ids = PolicyIds.of(policy.getStatus(), livePolicy(context), clock.instant());
    PolicyPlan.Validated validated = PolicyPlan.validate(policy, settings.plan(), ids);
    if (validated.plan().isEmpty()) {
      LOG.info("{}: invalid spec, children left unchanged: {}", name, validated.problems());
      report.invalidSpec(validated.problems());
      return Outcome.DONE;
    }
    PolicyPlan plan = validated.plan().get();
    report.planned(plan);

    DomainClaims.Claim claim = domainClaims.check(policy);
    if (!claim.settled()) {
      return Outcome.after(Duration.ofSeconds(1));
    }
    if (claim.owner().isPresent()) {
      LOG.info("{}: domain {} is owned by {}/{}", name, plan.domain(),
          claim.owner().get().getMetadata().getNamespace(),
          claim.owner().get().getMetadata().getName());
      report.domainClaimed(DomainClaims.refusal(policy, claim.owner().get()));
      return Outcome.DONE;
    }

    if (plan.sharedServer().isPresent()) {
      var refused = shared.refusal(policy, plan, context);
      if (refused.isPresent()) {
        LOG.info("{}: not served by {}: {}", name, plan.sharedServer().get(),
            refused.get().message());
        report.sharedServerRefused(refused.get().reason(), refused.get().message());
        return Outcome.after(SharedServing.REFUSED_RECHECK);
      }
    }

    Optional<GatewayApiAvailability.Missing> exposure =
        GatewayApiAvailability.check(plan, settings.gatewayApi().enabled(), crds);
    if (exposure.isPresent()) {
      LOG.info("{}: cannot expose: {}", name, exposure.get().message());
      report.exposureUnavailable(exposure.get().reason(), exposure.get().message());
      return Outcome.after(settings.rolloutRecheck());
    }

    SharedHostExposure.Standing standing = new SharedHostExposure.Standing();
    Optional<String> conflict = ConflictCheck.find(plan, context, childKinds(plan))
        .or(() -> sharedHosts.conflict(plan, context.getClient(), crds, standing));
    if (conflict.isPresent()) {
      LOG.info("{}: conflict: {}", name, conflict.get());
      report.conflict(conflict.get());
      return Outcome.after(settings.rolloutRecheck());
    }

    PolicyIds.Decision id = ids.decide(plan.policyBytes());
    if (id.isNew()) {
      // the id goes to status before the bytes go anywhere, so a restart or another leader
      // rolls them out under the same id; the workflow follows in the next reconcile
      LOG.info("{}: allocated policy id {} for the changed policy (advertised: {})", name,
          id.id(), report.status().getPolicyId());
      report.idAllocated(plan, id.allocation().get());
      if (plan.sharedServer().isPresent()) {
        shared.handOver(plan, report);
        report.ready(plan);
        // the servers' watches need a moment to load the bytes: a probe at once would only
        // find them missing, and write that to status
        return Outcome.after(SharedServing.FIRST_RECHECK);
      }
      report.ready(plan);
      return Outcome.after(ID_WRITTEN_RECHECK);
    }

    new ReconcileScope(plan, probe, crds, settings.gatewayApi().enabled()).putInto(context);
    mxGuard.putInto(context);
    if (plan.sharedServer().isPresent()) {
      return decideShared(policy, plan, context, report, standing);
    }
    WorkflowReconcileResult result =
        context.managedWorkflowAndDependentResourceContext().reconcileManagedWorkflow();
    Optional<Duration> refused = refusals.handle(policy, plan, result, report);
    if (refused.isPresent()) {
      return Outcome.after(refused.get());
    }
    Optional<NotServed> waiting = servedWaiting(result);
    if (waiting.isEmpty() && !plan.policyId().equals(report.status().getPolicyId())) {
      LOG.info("{}: policy {} is served; advertising its id (was {})", name,
          plan.policyId(), report.status().getPolicyId());
    }
    report.served(plan, waiting);
    shared.left(report, waiting);
    noticeKeptDnsEndpoint(policy, plan, context);
    // only when the wait is the Deployment's own trouble (a current template, not yet rolled
    // out) does it become a problem reason; anything else stays progress
    waiting.flatMap(w -> context.getSecondaryResource(Deployment.class)
            .flatMap(RolloutTrouble::of)
            .filter(t -> t.message().equals(w.message())))
        .ifPresent(t -> report.rolloutTrouble(t.reason()));
    MxGuard.verdict(context).ifPresent(v -> MxCoverageStatus.guard(v.held(), v.reason(),
        v.message(), report));
    // the Certificate informer exists only once cert-manager is installed
    boolean certManager = plan.issuer().isPresent() && crds.isInstalled(CrdPresence.CERTIFICATES);
    Optional<TlsSecretFinding> secret = plan.usesExistingSecret()
        ? Optional.of(ExistingTlsSecret.inspect(context.getClient(), plan, clock.instant()))
        : Optional.empty();
    report.certificate(plan, certManager,
        certManager ? context.getSecondaryResource(Certificate.class) : Optional.empty(), secret);
    Optional<Duration> verifyAgain = verify(policy, plan, context, report);
    report.ready(plan);
    return (waiting.isEmpty() ? Outcome.DONE : Outcome.after(settings.rolloutRecheck()))
        .sooner(verifyAgain)
        .sooner(secret.flatMap(s -> ExistingTlsSecret.lookAgain(s, clock.instant())));
  }

  /**
   * Says once per generation that turning off {@code spec.dns.externalDns} left the DNSEndpoint
   * in place ({@link DnsEndpointRetention}).
   */
  private void noticeKeptDnsEndpoint(MtaStsPolicy policy, PolicyPlan plan,
      Context<MtaStsPolicy> context) {
    Long observed = policy.getStatus() == null ? null
        : policy.getStatus().getObservedGeneration();
    if (plan.externalDns() || !crds.isInstalled(CrdPresence.DNS_ENDPOINTS)
        || Objects.equals(observed, generationOf(policy))) {
      return;
    }
    boolean exists = context.getSecondaryResource(
        io.mtasts.operator.api.externaldns.DNSEndpoint.class).isPresent();
    if (DnsEndpointRetention.keeps(policy, exists, clock.instant())) {
      LOG.info("{}/{}: spec.dns.externalDns is off; the DNSEndpoint stays until the policy is"
          + " retired", policy.getMetadata().getNamespace(), policy.getMetadata().getName());
      events.record(policy, "Warning", ConditionReasons.DNS_ENDPOINT_KEPT,
          "spec.dns.externalDns is false, but the DNSEndpoint keeps publishing _mta-sts."
              + plan.domain() + " with policy " + policy.getStatus().getPolicyId()
              + ": removing the TXT record before the domain is retired leaves senders with"
              + " their cached policy (RFC 8461 section 8.3). It goes once mode none has been"
              + " held for the max_age senders may have cached, or when the resource is deleted"
              + " and retired; publish the records in status.dnsRecords elsewhere first, or"
              + " annotate mtasts.io/retire=immediate to remove it now");
    }
  }

  /** The policy text in the web server's ConfigMap as cached, if it exists. */
  private static Optional<String> livePolicy(Context<MtaStsPolicy> context) {
    return context.getSecondaryResource(ConfigMap.class)
        .map(ConfigMap::getData)
        .map(data -> data.get(WebServerConfig.POLICY_KEY));
  }

  /**
   * The kinds of children this plan has in this cluster: those it asks for, of an optional API
   * only when that API is installed.
   */
  private List<Class<? extends HasMetadata>> childKinds(PolicyPlan plan) {
    return Arrays.stream(ChildKind.values())
        .filter(kind -> kind.isWantedBy(plan) && kind.crd().map(crds::isInstalled).orElse(true))
        .map(ChildKind::type)
        .toList();
  }

  /** Why the web server does not serve the plan's policy yet; empty when it does. */
  private static Optional<NotServed> servedWaiting(WorkflowReconcileResult result) {
    return result.getNotReadyDependents().stream()
        .filter(d -> d instanceof PolicyDeploymentDependent)
        .findFirst()
        .map(d -> result.getNotReadyDependentResult(d, NotServed.class)
            .orElse(new NotServed(ConditionReasons.ROLLING_OUT, "the web server is not ready")));
  }

  /**
   * Asks for a live verification when it is due and reports the latest one. It judges what is
   * advertised: the id and bytes in status, never a policy still rolling out. Returns when to
   * look again.
   */
  private Optional<Duration> verify(
      MtaStsPolicy policy, PolicyPlan plan, Context<MtaStsPolicy> context,
      StatusAggregator report) {
    ResourceID id = ResourceID.fromResource(policy);
    if (!policy.getSpec().effectiveVerificationEnabled()) {
      report.verificationDisabled();
      return Optional.empty();
    }
    MtaStsPolicyStatus status = report.status();
    if (status.getPolicyId() == null) {
      // nothing is advertised yet, so nothing can be published or checked: a verification now
      // would only report the records the user has not been told to publish
      report.verificationPending();
      return Optional.empty();
    }
    Duration interval = verificationInterval(policy);
    Expectations.Builder expected = Expectations.builder();
    expected.id(status.getPolicyId());
    byte[] served = status.getPolicy().getBytes(StandardCharsets.US_ASCII);
    expected.policyBytes(served);
    PolicyParser.parse(served).value().ifPresent(expected::policy);
    plan.tlsRpt().ifPresent(r -> expected.tlsRptRecord(r.render()));
    expected.probeMx(policy.getSpec().effectiveProbeMx());
    Expectations expectations = expected.build();
    Object key = List.of(policy.getMetadata().getGeneration(), expectations);
    verifications.requestIfDue(id, key, plan.domain(), expectations, interval);

    Optional<VerificationScheduler.Outcome> latest = verifications.latest(id)
        .filter(o -> o.key().equals(key));
    if (latest.isEmpty()) {
      report.verificationPending();
      return Optional.of(interval);
    }
    report.verified(latest.get().report());
    metrics.record(id, latest.get().report());
    metrics.recordUncoveredMx(id, plan.domain(), MxCoverageStatus.drift(status.getPolicy(),
        status.getPolicyId(), latest.get().report(), report));
    Duration untilDue = Duration.between(clock.instant(), latest.get().nextDue());
    return Optional.of(untilDue.isNegative() ? Duration.ofSeconds(1) : untilDue);
  }

  /**
   * The rest of the reconcile order for a policy served by a shared server ({@link
   * SharedServing}): instead of the workflow of its own web server, the handover and the probe
   * of the server's endpoints; then status as for any policy.
   */
  private Outcome decideShared(MtaStsPolicy policy, PolicyPlan plan,
      Context<MtaStsPolicy> context, StatusAggregator report,
      SharedHostExposure.Standing standing) {
    // the policy host (Ingress, Certificate) in the server's namespace; it reports
    // CertificateReady
    Optional<SharedHostExposure.Step> host =
        sharedHosts.expose(plan, context.getClient(), crds, report,
            h -> shared.serverExists(context.getClient(), h), standing);
    if (host.flatMap(SharedHostExposure.Step::refused).isPresent()) {
      return Outcome.after(host.get().refused().get());
    }
    boolean certManager = plan.issuer().isPresent() && crds.isInstalled(CrdPresence.CERTIFICATES);
    // as for a policy of its own: a sender reaches the bytes only through a valid certificate
    Optional<Duration> again = shared.serve(policy, plan, context, report,
        () -> ServedCertificate.waiting(plan, certManager, certManager
            ? SharedHostExposure.certificateOf(plan, context.getClient()) : Optional.empty()));
    if (again.isEmpty()) {
      SharedDnsEndpoint.publish(policy, plan, report.status().getPolicyId(), crds,
          context.getClient());
    }
    MxGuard.verdict(context).ifPresent(v -> MxCoverageStatus.guard(v.held(), v.reason(),
        v.message(), report));
    Optional<Duration> verifyAgain = verify(policy, plan, context, report);
    report.ready(plan);
    return new Outcome(again).sooner(verifyAgain)
        .sooner(host.flatMap(SharedHostExposure.Step::recheck));
  }

  private Duration verificationInterval(MtaStsPolicy policy) {
    var verification = policy.getSpec().getVerification();
    return verification != null && verification.getInterval() != null
        ? KubeDuration.parse(verification.getInterval()) : settings.verifyInterval();
  }


  @Override
  public ErrorStatusUpdateControl<MtaStsPolicy> updateErrorStatus(
      MtaStsPolicy policy, Context<MtaStsPolicy> context, Exception e) {
    try {
      updateStatus(policy, context, report -> {
        report.reconcileError(rootMessage(e));
        return null;
      });
    } catch (PolicyStatusWrite.DeletedMeanwhile deleted) {
      // the retirement reports from here on
    } catch (PolicyGone | StaleCopy notWritten) {
      // the retry reconciles the stored copy and reports what it finds
      LOG.debug("{}", notWritten.getMessage());
    }
    return ErrorStatusUpdateControl.noStatusUpdate();
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
