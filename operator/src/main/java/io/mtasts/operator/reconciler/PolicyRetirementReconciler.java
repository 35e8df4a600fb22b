package io.mtasts.operator.reconciler;

import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Holds deleted policies that protected mail until they are retired. The framework puts a
 * controller's finalizer on every resource it reconciles, and reconciles a resource being
 * deleted only through a finalizer; so this second controller sees only the policies
 * {@link RetirementLabel} marks (those that advertised an enforce or testing id), puts
 * {@value RetirementLabel#FINALIZER} on them, and on deletion runs the retirement with the same
 * workflow as {@link MtaStsPolicyReconciler}, which reconciles every policy while it lives. A
 * policy that never protected mail gets no finalizer and is deleted at once.
 */
@ControllerConfiguration(
    name = PolicyRetirementReconciler.NAME,
    finalizerName = RetirementLabel.FINALIZER,
    // the same owner of the children's and status's fields as the main controller, so
    // server-side apply never sees two managers disagree
    fieldManager = MtaStsPolicyReconciler.NAME,
    generationAwareEventProcessing = false,
    informer = @Informer(
        labelSelector = RetirementLabel.KEY + "=" + RetirementLabel.VALUE,
        onUpdateFilter = RetirementTrigger.class))
public class PolicyRetirementReconciler extends MtaStsPolicyReconciler
    implements Cleaner<MtaStsPolicy> {

  public static final String NAME = "mtastspolicy-retirement";

  public PolicyRetirementReconciler(ReconcilerSettings settings, EndpointProbe probe,
      CrdPresence crds, io.mtasts.operator.reconciler.status.PolicyEvents events, Clock clock,
      DomainVerifier verifier, int verifyConcurrency, PolicyMetrics metrics, MxGuard mxGuard,
      Optional<Duration> retirementMaxHold) {
    super(settings, probe, crds, events, clock, verifier, verifyConcurrency, metrics, mxGuard,
        retirementMaxHold);
  }

  /** A live policy is the main controller's; this one only made sure of the finalizer. */
  @Override
  public UpdateControl<MtaStsPolicy> reconcile(MtaStsPolicy policy,
      Context<MtaStsPolicy> context) {
    return UpdateControl.noUpdate();
  }

  /**
   * This controller's cache: every labelled policy, without its status. The cache is there to
   * notice deletions, not to hold a second copy of every status beside the main controller's
   * (at 10,000 policies the operator ran out of heap with it). {@link #cleanup} reads the whole
   * policy.
   */
  public static PrunedItemStore<MtaStsPolicy> cacheStore() {
    return PrunedItemStore.policiesWithoutStatus();
  }

  @Override
  public DeleteControl cleanup(MtaStsPolicy cached, Context<MtaStsPolicy> context) {
    MtaStsPolicy policy = context.getClient().resources(MtaStsPolicy.class)
        .inNamespace(cached.getMetadata().getNamespace())
        .withName(cached.getMetadata().getName()).get();
    if (policy == null) {
      // gone already: nothing is left to hold
      return DeleteControl.noFinalizerRemoval();
    }
    DeleteControl control = retire(policy, context);
    if (control.isRemoveFinalizer()) {
      // objects in a shared server's namespace: no owner reference reaches them from here
      SharedHostExposure.remove(policy, context.getClient());
    }
    return control;
  }

  @Override
  protected boolean prunesMetrics() {
    return false;
  }
}
