package io.mtasts.operator.reconciler.server;

import io.mtasts.operator.api.v1alpha1.MtaStsPolicyServerSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** What is wrong with a server's spec, each problem naming its field and what is allowed. */
final class ServerSpecProblems {

  private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

  private ServerSpecProblems() {}

  static List<String> of(MtaStsPolicyServerSpec spec, ServerSettings settings) {
    List<String> problems = new ArrayList<>();
    if (spec == null) {
      problems.add("spec: missing");
      return problems;
    }
    int replicas = spec.effectiveReplicas();
    if (replicas < 1 || replicas > MtaStsPolicyServerSpec.MAX_REPLICAS) {
      problems.add("spec.replicas: " + replicas + " is outside 1.."
          + MtaStsPolicyServerSpec.MAX_REPLICAS);
    }
    settings.limits().imageProblem("spec.image", spec.getImage(), settings.image())
        .ifPresent(problems::add);
    List<String> namespaces = spec.getNamespaces() == null ? List.of() : spec.getNamespaces();
    for (String ns : namespaces) {
      if (ns == null || !NAMESPACE.matcher(ns).matches()) {
        problems.add("spec.namespaces: '" + ns + "' is not a namespace name (lower-case"
            + " letters, digits and '-', at most 63)");
      } else if (!settings.watchesAllNamespaces() && !settings.watchNamespaces().contains(ns)) {
        problems.add("spec.namespaces: '" + ns + "' is not watched by the operator; allowed: "
            + String.join(", ", settings.watchNamespaces().stream().sorted().toList()));
      }
    }
    List<String> policyNamespaces = spec.getPolicyNamespaces() == null ? List.of()
        : spec.getPolicyNamespaces();
    for (String ns : policyNamespaces) {
      if (ns == null || !(ns.equals(SharedServerAccess.ANY_NAMESPACE)
          || NAMESPACE.matcher(ns).matches())) {
        problems.add("spec.policyNamespaces: '" + ns + "' is neither a namespace name (lower-case"
            + " letters, digits and '-', at most 63) nor \"" + SharedServerAccess.ANY_NAMESPACE
            + "\" for any namespace");
      }
    }
    if (namespaces.isEmpty() && !settings.watchesAllNamespaces()) {
      // the operator may only grant read access it holds itself, and it holds none cluster-wide
      problems.add("spec.namespaces: required, since the operator watches only "
          + String.join(", ", settings.watchNamespaces().stream().sorted().toList())
          + "; list the namespaces whose policies this server serves");
    }
    return problems;
  }
}
