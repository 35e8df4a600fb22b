package io.mtasts.operator.cli;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.mtasts.operator.api.v1alpha1.ConditionTypes;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.localserver.IssuedCertificate;
import io.mtasts.operator.localserver.LocalApiServer;
import io.mtasts.operator.localserver.LocalCertificateAuthority;
import io.mtasts.operator.localserver.TlsSecrets;
import io.mtasts.operator.localserver.LocalDnsServer;
import io.mtasts.operator.localserver.LocalHttpsServer;
import io.mtasts.operator.api.v1alpha1.VerificationCheck;
import io.mtasts.operator.plan.ChildNames;
import io.mtasts.operator.plan.PolicyPlan;
import io.mtasts.operator.policy.StsRecord;
import io.mtasts.operator.reconciler.DomainVerifier;
import io.mtasts.operator.plan.WebServerConfig;
import io.mtasts.operator.runtime.LogSetup;
import io.mtasts.operator.runtime.OperatorConfig;
import io.mtasts.operator.runtime.OperatorRuntime;
import io.mtasts.operator.verify.MailHostsLookup;
import io.mtasts.operator.verify.Verifier;
import io.mtasts.operator.verify.VerifierSettings;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code demo}: the whole product without a cluster. An in-process API server, the operator,
 * a stand-in for the pods that serves the policy over local HTTPS, then the resources, the
 * status and the DNS records to publish.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    // one string: picocli wraps it, and the command list shows only the first one
    description = "Runs the operator against an in-process API server, applies a policy"
        + " resource, serves the policy over local HTTPS and prints the resources, the status"
        + " and the DNS records. Needs no cluster and no network.")
public final class DemoCommand implements Callable<Integer> {

  static final String NAMESPACE = "demo";
  private static final String DEFAULT_FILE = "examples/basic.yaml";

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = {"-f", "--file"}, paramLabel = "CR.yaml",
      description = "The MtaStsPolicy to apply (default: " + DEFAULT_FILE + ").")
  Path file;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30s",
      description = "How long to wait for the policy to be served and verified (default:"
          + " ${DEFAULT-VALUE}).")
  String timeout;

  @Option(names = "--verbose", description = "Show the operator's log.")
  boolean verbose;

  @Override
  public Integer call() throws Exception {
    LogSetup.apply("text", verbose ? "INFO" : "ERROR");
    Duration wait = CliDurations.parse("--timeout", timeout);
    PrintWriter out = spec.commandLine().getOut();
    MtaStsPolicy policy = loadPolicy();
    String domain = policy.getSpec().getDomain();
    policy.getMetadata().setNamespace(NAMESPACE);

    LocalCertificateAuthority ca = LocalCertificateAuthority.create("mta-sts-operator demo CA");
    IssuedCertificate cert = ca.issue("mta-sts." + domain, "127.0.0.1");
    Path caFile = ca.writeCertificatePem(Files.createTempFile("mta-sts-demo-ca", ".pem"));
    try (LocalApiServer api = new LocalApiServer();
        KubernetesClient client = api.newClient();
        LocalHttpsServer https = LocalHttpsServer.start(cert);
        LocalDnsServer dns = LocalDnsServer.start();
        DemoWorkloads workloads = new DemoWorkloads(client, NAMESPACE, https);
        OperatorRuntime operator = OperatorRuntime.builder(demoConfig())
            .client(api.newClient())
            // the pods' endpoints are stand-ins (DemoWorkloads); each is asked through the one
            // local policy server, with a real HTTPS GET
            .probe(new LocalServerProbe(https, ca.clientSslContext()))
            .verifier(publishingFirst(dns, localVerifier(dns, https, caFile)))
            .mailHosts(new MailHostsLookup(localSettings(dns, https, caFile))::lookup)
            .serverSideApply(false)
            .exitOnStopLeading(false)
            .build()
            .start()) {
      api.installPolicyCrd(client);
      // so that a policy exposed through a Gateway runs here too: its HTTPRoute and listener
      // objects are stored, and the policy is served through the same local server
      api.installStandInCrd(client, "gateway.networking.k8s.io", "HTTPRoute", "httproutes", "v1");
      api.installStandInCrd(client, "gateway.networking.k8s.io", "ListenerSet", "listenersets",
          "v1");
      api.installStandInCrd(client, "gateway.networking.k8s.io", "ReferenceGrant",
          "referencegrants", "v1beta1");
      // the TLS Secret a user creates before the resource that names it; the operator reads it
      // before it calls the certificate ready
      var tls = policy.getSpec().getTls();
      if (tls != null && tls.getSecretName() != null && tls.getIssuerRef() == null) {
        client.resource(TlsSecrets.of(NAMESPACE, tls.getSecretName(), cert)).create();
      }
      publishRecords(dns, policy);
      out.printf("Applying MtaStsPolicy %s/%s for %s to an in-process API server%n",
          NAMESPACE, policy.getMetadata().getName(), domain);
      out.flush();
      client.resource(policy).create();

      MtaStsPolicy served = awaitServedAndVerified(client, policy.getMetadata().getName(), wait);
      if (served == null) {
        out.println("The policy was not served and verified within " + timeout);
        printStatus(out, client.resource(policy).get());
        return 1;
      }
      printObjects(out, client, served);
      printStatus(out, served);
      out.println("== Policy served at " + served.getStatus().getPolicyUrl()
          + " (here: https://127.0.0.1:" + https.port() + WebServerConfig.POLICY_PATH + ")");
      out.print(served.getStatus().getPolicy().replace("\r\n", "\n"));
      out.println();
      out.println("== Live verification by the operator (local DNS " + dns.hostAndPort()
          + ", local HTTPS, demo CA)");
      for (VerificationCheck check : served.getStatus().getChecks()) {
        out.printf(Locale.ROOT, "  %-7s  %-13s  %s%n", check.getResult(), check.getName(),
            check.getMessage());
      }
      out.println("== DNS records to publish");
      served.getStatus().getDnsRecords().forEach(r ->
          out.printf("%s. %s \"%s\"%n", r.getName(), r.getType(), r.getValue()));
      out.flush();
      return 0;
    } finally {
      Files.deleteIfExists(caFile);
    }
  }

  /**
   * What a user would publish before applying, taken from the rendered plan: the TLS-RPT
   * record, the policy host and MX hosts (all on 127.0.0.1 here). The {@code _mta-sts} record
   * waits for the id the operator allocates and advertises.
   */
  private static void publishRecords(LocalDnsServer dns, MtaStsPolicy policy) {
    PolicyPlan plan = PolicyPlan.of(policy, demoConfig().planSettings());
    plan.dnsRecords(null).forEach(r -> dns.addTxt(r.name(), r.value()));
    dns.addAddress(plan.policyHost(), "127.0.0.1");
    int preference = 10;
    for (var pattern : plan.policy().mx()) {
      String host = pattern.isWildcard() ? "mx1" + pattern.value().substring(1) : pattern.value();
      dns.addMx(plan.domain(), preference, host);
      dns.addAddress(host, "127.0.0.1");
      preference += 10;
    }
  }

  /**
   * Plays the user who publishes the {@code _mta-sts} record of status.dnsRecords as soon as an
   * id is advertised: each verification, which expects the advertised id, finds it published.
   */
  private static DomainVerifier publishingFirst(LocalDnsServer dns, Verifier verifier) {
    return (domain, expected) -> {
      expected.id().ifPresent(id -> {
        String name = StsRecord.dnsName(domain);
        dns.removeAll(name);
        dns.addTxt(name, new StsRecord(id).render());
      });
      return verifier.verify(domain, expected);
    };
  }

  private static Verifier localVerifier(LocalDnsServer dns, LocalHttpsServer https, Path caFile) {
    return new Verifier(localSettings(dns, https, caFile));
  }

  private static VerifierSettings localSettings(
      LocalDnsServer dns, LocalHttpsServer https, Path caFile) {
    return VerifierSettings.builder()
        .dnsServer(dns.hostAndPort())
        .caFile(caFile)
        .allowPrivate(true)
        .httpsPort(https.port())
        .timeout(Duration.ofSeconds(5))
        .build();
  }

  private MtaStsPolicy loadPolicy() {
    // read as render reads: several documents, other kinds skipped, errors at file:line
    return MtaStsPolicyDecoder.firstPolicy(file == null ? null : file.toString(), DEFAULT_FILE,
        spec.qualifiedName(" "), spec.commandLine().getErr());
  }

  private static OperatorConfig demoConfig() {
    return OperatorConfig.from(Map.of(), Map.of(
        "MTASTS_LEADER_ELECTION", "false",
        "MTASTS_HTTP_PORT", "0",
        "MTASTS_HTTP_ADDRESS", "127.0.0.1",
        "MTASTS_ALLOW_PRIVATE", "true",
        "MTASTS_GATEWAY_API", "true"));
  }

  private static MtaStsPolicy awaitServedAndVerified(
      KubernetesClient client, String name, Duration wait) throws InterruptedException {
    Instant deadline = Instant.now().plus(wait);
    while (Instant.now().isBefore(deadline)) {
      MtaStsPolicy p = client.resources(MtaStsPolicy.class).inNamespace(NAMESPACE)
          .withName(name).get();
      if (p != null && p.getStatus() != null && p.getStatus().getPolicyId() != null
          && isTrue(p, ConditionTypes.POLICY_SERVED) && isTrue(p, ConditionTypes.VERIFIED)) {
        return p;
      }
      Thread.sleep(100);
    }
    return null;
  }

  private static boolean isTrue(MtaStsPolicy p, String type) {
    return p.getStatus().condition(type).map(c -> "True".equals(c.getStatus())).orElse(false);
  }

  private static void printObjects(PrintWriter out, KubernetesClient client, MtaStsPolicy p) {
    out.println("== Objects the operator created");
    String child = ChildNames.of(p);
    List<Class<? extends HasMetadata>> kinds = List.of(
        io.fabric8.kubernetes.api.model.ConfigMap.class,
        io.fabric8.kubernetes.api.model.apps.Deployment.class,
        io.fabric8.kubernetes.api.model.Service.class,
        io.fabric8.kubernetes.api.model.networking.v1.Ingress.class,
        io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute.class,
        io.mtasts.operator.api.gatewayapi.ListenerSet.class,
        io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.ReferenceGrant.class);
    for (var kind : kinds) {
      HasMetadata object = client.resources(kind).inNamespace(NAMESPACE).withName(child).get();
      if (object != null) {
        object.getMetadata().setManagedFields(null);
        out.print(client.getKubernetesSerialization().asYaml(object));
      }
    }
  }

  private static void printStatus(PrintWriter out, MtaStsPolicy p) {
    out.println("== Status of MtaStsPolicy " + NAMESPACE + "/" + p.getMetadata().getName());
    out.print(new KubernetesSerialization().asYaml(p.getStatus()));
  }
}
