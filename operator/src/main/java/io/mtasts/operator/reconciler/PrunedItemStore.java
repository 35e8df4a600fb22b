package io.mtasts.operator.reconciler;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * An informer's store that keeps only what its readers use. Every object loses
 * {@code metadata.managedFields} and the {@code kubectl.kubernetes.io/last-applied-configuration}
 * annotation before it is stored: the API server's bookkeeping of field owners and a copy of the
 * spec as last applied, which nothing here reads, and which Fabric8 keeps as generic maps, in
 * every cache that holds the object.
 *
 * <p>Only for caches whose objects are read, never sent back whole: a write made from a pruned
 * copy would drop what was pruned.
 */
public final class PrunedItemStore<T extends HasMetadata> implements ItemStore<T> {

  /** The annotation {@code kubectl apply} keeps the applied object in. */
  public static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

  private final BasicItemStore<T> store = new BasicItemStore<>(Cache::metaNamespaceKeyFunc);
  private final UnaryOperator<T> prune;

  /**
   * @param prune what else to drop from each object (in place or in a copy it returns)
   */
  public PrunedItemStore(UnaryOperator<T> prune) {
    this.prune = prune;
  }

  /** For caches of policies read for their metadata and spec: the status goes too. */
  public static PrunedItemStore<MtaStsPolicy> policiesWithoutStatus() {
    return new PrunedItemStore<>(policy -> {
      policy.setStatus(null);
      return policy;
    });
  }

  /** Drops the bookkeeping only. */
  public static <T extends HasMetadata> PrunedItemStore<T> bookkeepingOnly() {
    return new PrunedItemStore<>(UnaryOperator.identity());
  }

  @Override
  public String getKey(T object) {
    return store.getKey(object);
  }

  @Override
  public T put(String key, T object) {
    object.getMetadata().setManagedFields(null);
    Map<String, String> annotations = object.getMetadata().getAnnotations();
    if (annotations != null) {
      annotations.remove(LAST_APPLIED);
    }
    return store.put(key, prune.apply(object));
  }

  @Override
  public T remove(String key) {
    return store.remove(key);
  }

  @Override
  public Stream<String> keySet() {
    return store.keySet();
  }

  @Override
  public Stream<T> values() {
    return store.values();
  }

  @Override
  public int size() {
    return store.size();
  }

  @Override
  public T get(String key) {
    return store.get(key);
  }
}
