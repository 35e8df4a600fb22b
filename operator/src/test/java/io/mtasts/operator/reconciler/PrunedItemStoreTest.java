package io.mtasts.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicyStatus;
import io.mtasts.operator.testing.Policies;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrunedItemStoreTest {

  private static MtaStsPolicy stored() {
    MtaStsPolicy policy = Policies.basic("example", "example.com");
    policy.getMetadata().setManagedFields(List.of(new ManagedFieldsEntryBuilder()
        .withManager("kubectl").withOperation("Apply").build()));
    policy.getMetadata().setAnnotations(new HashMap<>(Map.of(
        PrunedItemStore.LAST_APPLIED, "{\"spec\":{}}",
        "mtasts.io/paused", "true")));
    MtaStsPolicyStatus status = new MtaStsPolicyStatus();
    status.setPolicyId("20261201000000abcdef");
    policy.setStatus(status);
    return policy;
  }

  @Test
  void keepsWhatTheOperatorReadsAndDropsTheBookkeeping() {
    PrunedItemStore<MtaStsPolicy> store = PrunedItemStore.bookkeepingOnly();
    MtaStsPolicy policy = stored();
    store.put(store.getKey(policy), policy);

    MtaStsPolicy kept = store.get(store.getKey(policy));
    assertThat(kept.getMetadata().getManagedFields()).isNullOrEmpty();
    assertThat(kept.getMetadata().getAnnotations())
        .containsExactly(Map.entry("mtasts.io/paused", "true"));
    assertThat(kept.getSpec().getDomain()).isEqualTo("example.com");
    assertThat(kept.getStatus().getPolicyId()).isEqualTo("20261201000000abcdef");
    assertThat(store.size()).isEqualTo(1);
    assertThat(store.keySet()).containsExactly(store.getKey(policy));

    store.remove(store.getKey(policy));
    assertThat(store.size()).isZero();
  }

  @Test
  void appliesItsOwnPruningToo() {
    PrunedItemStore<MtaStsPolicy> store = new PrunedItemStore<>(p -> {
      p.setStatus(null);
      return p;
    });
    MtaStsPolicy policy = stored();
    store.put(store.getKey(policy), policy);
    assertThat(store.values()).singleElement().satisfies(p -> {
      assertThat(p.getStatus()).isNull();
      assertThat(p.getMetadata().getManagedFields()).isNullOrEmpty();
    });
  }
}
