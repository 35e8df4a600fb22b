package io.mtasts.operator.reconciler;

import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import java.util.Locale;
import java.util.Map;

/**
 * The escape hatch of retirement: {@code mtasts.io/retire: immediate} ends a retirement at once
 * (the finalizer goes and garbage collection removes the children), and lets a DNSEndpoint kept
 * after {@code spec.dns.externalDns} was turned off go. Senders may then keep the replaced policy
 * until its max_age runs out, which the Warning Event says.
 */
public final class RetireAnnotation {

  public static final String KEY = "mtasts.io/retire";
  public static final String IMMEDIATE = "immediate";

  private RetireAnnotation() {}

  public static boolean immediate(MtaStsPolicy policy) {
    Map<String, String> annotations = policy.getMetadata().getAnnotations();
    String value = annotations == null ? null : annotations.get(KEY);
    return value != null && IMMEDIATE.equals(value.trim().toLowerCase(Locale.ROOT));
  }

  static String value(MtaStsPolicy policy) {
    Map<String, String> annotations = policy.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(KEY);
  }
}
