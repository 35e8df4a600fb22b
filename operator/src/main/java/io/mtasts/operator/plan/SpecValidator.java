package io.mtasts.operator.plan;

import io.mtasts.operator.api.v1alpha1.IssuerKind;
import io.mtasts.operator.api.v1alpha1.IssuerRef;
import io.mtasts.operator.api.v1alpha1.Mode;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicySpec;
import io.mtasts.operator.api.v1alpha1.SpecDefaults;
import io.mtasts.operator.api.v1alpha1.SpecConstraints;
import io.mtasts.operator.api.v1alpha1.KubeDuration;
import io.mtasts.operator.policy.MxPattern;
import io.mtasts.operator.policy.ParseResult;
import io.mtasts.operator.policy.TlsRptRecordParser;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The reconciler's own check of a spec: the CRD schema's rules again (a resource may reach the
 * operator without passing the API server's validation) plus the RFC syntax the schema cannot
 * express. Every problem names the spec field and says what is allowed.
 */
public final class SpecValidator {

  private static final Pattern DOMAIN = Pattern.compile(SpecConstraints.DOMAIN);
  private static final Pattern MX = Pattern.compile(SpecConstraints.MX);
  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  private SpecValidator() {}

  /**
   * Problems with the spec, each naming its field, including what the operator's settings do
   * not allow (images, Ingress annotations, the verification interval); empty when it is valid.
   */
  public static List<String> problems(MtaStsPolicySpec spec, PlanSettings settings) {
    List<String> problems = problems(spec);
    if (spec != null) {
      problems.addAll(settings.limits().problems(spec, settings.webServerImage()));
      SharedHostRules.checkDefaultExposure(spec, settings, problems);
    }
    return problems;
  }

  /**
   * Problems with the spec itself, each naming its field; the operator's limits are left out
   * (see {@link #problems(MtaStsPolicySpec, PlanSettings)}).
   */
  public static List<String> problems(MtaStsPolicySpec spec) {
    List<String> problems = new ArrayList<>();
    if (spec == null) {
      problems.add("spec: required; set at least spec.domain and spec.mx");
      return problems;
    }
    checkDomain(spec.getDomain(), problems);
    if (spec.getMode() == Mode.UNRECOGNIZED) {
      problems.add("spec.mode: must be one of enforce, testing, none (case-sensitive)");
    }
    checkMx(spec, problems);
    long maxAge = spec.effectiveMaxAge();
    if (maxAge < 0 || maxAge > SpecConstraints.MAX_AGE_MAX_SECONDS) {
      problems.add("spec.maxAge: " + maxAge + " is outside 0.."
          + SpecConstraints.MAX_AGE_MAX_SECONDS + " seconds (RFC 8461 limit of one year)");
    }
    List<String> rua = spec.effectiveRua();
    if (spec.getTlsRpt() != null && rua.isEmpty()) {
      problems.add("spec.tlsRpt.rua: at least one mailto: or https: URI is required when"
          + " spec.tlsRpt is set");
    }
    TlsRptReceiveCheck.check(spec, problems);
    if (rua.size() > SpecConstraints.RUA_MAX_ITEMS) {
      problems.add("spec.tlsRpt.rua: at most " + SpecConstraints.RUA_MAX_ITEMS + " URIs");
    }
    for (int i = 0; i < rua.size(); i++) {
      String problem = TlsRptRecordParser.uriProblem(rua.get(i));
      if (problem != null) {
        problems.add("spec.tlsRpt.rua[" + i + "]: " + problem);
      }
    }
    if (spec.getTls() != null) {
      IssuerRef issuer = spec.getTls().getIssuerRef();
      if (issuer != null && (issuer.getName() == null || issuer.getName().isBlank())) {
        problems.add("spec.tls.issuerRef.name: required when spec.tls.issuerRef is set");
      }
      if (issuer != null && issuer.getKind() == IssuerKind.UNRECOGNIZED) {
        problems.add("spec.tls.issuerRef.kind: must be Issuer or ClusterIssuer (case-sensitive)");
      }
      String secret = spec.getTls().getSecretName();
      if (secret != null && (secret.length() > 253 || !DNS_SUBDOMAIN.matcher(secret).matches())) {
        problems.add("spec.tls.secretName: '" + secret + "' is not a valid Secret name (lower"
            + " case letters, digits, '-' and '.')");
      }
    }
    if (spec.getServer() != null) {
      int replicas = spec.effectiveReplicas();
      if (replicas < 1 || replicas > SpecConstraints.SERVER_REPLICAS_MAX) {
        problems.add("spec.server.replicas: " + replicas + " is outside 1.."
            + SpecConstraints.SERVER_REPLICAS_MAX);
      }
      SharedServerRefValidator.check(spec.getServer(), problems);
      String image = spec.getServer().getImage();
      if (image != null && image.isBlank() && spec.getServer().getRef() == null) {
        problems.add("spec.server.image: must not be empty; omit it to use the operator's"
            + " default image");
      }
    }
    if (spec.getVerification() != null && spec.getVerification().getInterval() != null) {
      String interval = spec.getVerification().getInterval();
      try {
        KubeDuration.parse(interval);
      } catch (IllegalArgumentException e) {
        problems.add("spec.verification.interval: " + e.getMessage());
      }
    }
    ExposureValidator.check(spec.getExposure(), problems);
    SharedHostRules.check(spec, problems);
    return problems;
  }

  private static void checkDomain(String domain, List<String> problems) {
    if (domain == null || domain.isEmpty()) {
      problems.add("spec.domain: required, the mail domain such as example.com");
      return;
    }
    if (domain.length() > SpecConstraints.DOMAIN_MAX_LENGTH) {
      problems.add("spec.domain: at most " + SpecConstraints.DOMAIN_MAX_LENGTH + " characters");
      return;
    }
    if (DOMAIN.matcher(domain).matches()) {
      return;
    }
    ParseResult<MxPattern> asName = MxPattern.parse(domain);
    if (!asName.isValid()) {
      String reason = asName.errors().get(0).message().replaceFirst("^mx pattern ", "");
      problems.add("spec.domain: " + reason);
    } else if (domain.startsWith("*.")) {
      problems.add("spec.domain: '" + domain + "' must not be a wildcard");
    } else if (!domain.equals(domain.toLowerCase(java.util.Locale.ROOT))) {
      problems.add("spec.domain: '" + domain + "' must be lower case; write '"
          + domain.toLowerCase(java.util.Locale.ROOT) + "'");
    } else {
      problems.add("spec.domain: '" + domain + "' must be a fully qualified domain name with at"
          + " least two labels, such as example.com");
    }
  }

  private static void checkMx(MtaStsPolicySpec spec, List<String> problems) {
    List<String> mx = spec.effectiveMx();
    if (mx.isEmpty() && spec.effectiveMode() != Mode.NONE
        && spec.effectiveMode() != Mode.UNRECOGNIZED) {
      problems.add("spec.mx: at least one MX host pattern is required unless spec.mode is none");
    }
    if (mx.size() > SpecConstraints.MX_MAX_ITEMS) {
      problems.add("spec.mx: at most " + SpecConstraints.MX_MAX_ITEMS + " patterns");
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < mx.size(); i++) {
      String pattern = mx.get(i);
      String field = "spec.mx[" + i + "]: ";
      if (pattern == null) {
        problems.add(field + "must not be null");
        continue;
      }
      ParseResult<MxPattern> parsed = MxPattern.parse(pattern);
      if (!parsed.isValid()) {
        problems.add(field + parsed.errors().get(0).message());
      } else if (!MX.matcher(pattern).matches()) {
        problems.add(field + "'" + pattern + "' must be lower case; write '"
            + pattern.toLowerCase(java.util.Locale.ROOT) + "'");
      } else if (!seen.add(pattern)) {
        problems.add(field + "'" + pattern + "' is listed twice");
      }
    }
  }
}
