package io.mtasts.operator.cli;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.plan.DesiredChildren;
import io.mtasts.operator.plan.PlanSettings;
import io.mtasts.operator.plan.PolicyIds;
import io.mtasts.operator.plan.PolicyPlan;
import io.mtasts.operator.runtime.OperatorConfig;
import java.io.InputStream;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code render}: shows, without a cluster, what the operator would serve, ask DNS to publish
 * and create for MtaStsPolicy resources. Exit 0 when everything rendered, 1 when a resource is
 * invalid (nothing is printed then), 2 when a file cannot be read or an option is wrong.
 */
@Command(
    name = "render",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Prints the policy file, the DNS records and the Kubernetes objects the operator would"
          + " create for MtaStsPolicy resources, without a cluster.",
      "Documents of other kinds in the files are skipped."
    })
public final class RenderCommand implements Callable<Integer> {

  /** Stands in for the uid the API server assigns, in resources read from files. */
  static final String PLACEHOLDER_UID = "00000000-0000-0000-0000-000000000000";

  static final String DEFAULT_NAMESPACE = "default";

  /**
   * How ids are assigned, under the id {@code render} shows: it cannot know the ids a resource
   * in a cluster already had, so it shows what a new resource would be allocated now.
   */
  static final String ID_NOTE = "# Policy ids are allocated, not derived from the policy: the"
      + " allocation time (UTC, yyyyMMddHHmmss)\n"
      + "# and 6 characters of the policy's SHA-256. This is the id a new resource would get"
      + " now; every later\n"
      + "# change gets a new, later id, never one used before. Publish the id in the"
      + " resource's status.dnsRecords.\n";

  private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

  /** The parts of the output, in the order they are printed. */
  enum Part {
    POLICY, DNS, OBJECTS;

    static final class Converter implements CommandLine.ITypeConverter<Part> {
      @Override
      public Part convert(String value) {
        for (Part part : values()) {
          if (part.name().toLowerCase(Locale.ROOT).equals(value)) {
            return part;
          }
        }
        throw new CommandLine.TypeConversionException(
            "'" + value + "' is not one of policy, dns, objects");
      }
    }
  }

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = {"-f", "--filename"}, required = true, paramLabel = "FILE",
      description = "YAML file with one or more resources separated by ---; - reads standard"
          + " input (repeatable).")
  List<String> files;

  @Option(names = "--only", paramLabel = "PART", converter = Part.Converter.class,
      description = "Print only one part: policy, dns or objects.")
  Part only;

  @Option(names = {"-n", "--namespace"}, paramLabel = "NS",
      description = "Namespace for resources that name none (default: 'default'); a resource"
          + " naming another one is an error, as with kubectl.",
      defaultValue = DEFAULT_NAMESPACE, showDefaultValue = CommandLine.Help.Visibility.NEVER)
  String namespace;

  @Option(names = "--web-server-image", paramLabel = "IMAGE",
      description = "The operator's default web-server image (default: "
          + PlanSettings.DEFAULT_WEB_SERVER_IMAGE + ").")
  String webServerImage;

  @Option(names = "--ingress-class", paramLabel = "CLASS",
      description = "The operator's default ingress class (default: none, the cluster's"
          + " default class).")
  String ingressClass;

  @Option(names = "--default-issuer", paramLabel = "KIND/NAME",
      description = "The operator's default cert-manager issuer, such as"
          + " ClusterIssuer/letsencrypt (default: none).")
  String defaultIssuer;

  @Option(names = "--allowed-images", paramLabel = "IMAGE[,IMAGE...]",
      description = "Images besides the default that spec.server.image may name, as the"
          + " operator's MTASTS_ALLOWED_IMAGES (default: none).")
  String allowedImages;

  @Option(names = "--allowed-ingress-annotations", paramLabel = "KEY[,KEY...]",
      description = "Annotation keys spec.ingress.annotations may set, as the operator's"
          + " MTASTS_ALLOWED_INGRESS_ANNOTATIONS (default: cert-manager's and HTTPS redirects).")
  String allowedIngressAnnotations;

  /** Standard input, replaceable so that tests need not swap {@link System#in}. */
  InputStream stdin = System.in;

  /** The time a new resource's policy id is allocated at; replaceable by tests. */
  Clock clock = Clock.systemUTC();

  /** A valid resource and where it came from. */
  @Override
  public Integer call() {
    PlanSettings settings = settings();
    if (!NAMESPACE.matcher(namespace).matches()) {
      throw new UsageException("--namespace '" + namespace + "' is not a valid namespace name");
    }
    MtaStsPolicyDecoder.Policies read = MtaStsPolicyDecoder.policies(readAll());
    List<String> problems = new ArrayList<>(read.problems());
    List<String> skipped = read.skipped();
    List<MtaStsPolicyDecoder.Found> sources = new ArrayList<>();
    for (MtaStsPolicyDecoder.Found found : read.found()) {
      // what the operator's settings refuse, the operator would refuse too
      List<String> refused =
          settings.limits().problems(found.policy().getSpec(), settings.webServerImage());
      refused.forEach(p -> problems.add(found.document().where() + ": "
          + MtaStsPolicyDecoder.label(found.document()) + ": " + p));
      if (refused.isEmpty()) {
        sources.add(found);
      }
    }
    PrintWriter err = spec.commandLine().getErr();
    if (!problems.isEmpty()) {
      problems.forEach(err::println);
      err.flush();
      return 1;
    }
    if (sources.isEmpty()) {
      throw new UsageException("no MtaStsPolicy in " + String.join(", ", sourceNames()));
    }
    StringBuilder out = new StringBuilder();
    for (MtaStsPolicyDecoder.Found source : sources) {
      if (out.length() > 0) {
        out.append('\n');
      }
      out.append(render(source, settings));
    }
    String name = spec.qualifiedName(" ");
    skipped.forEach(s -> err.println(name + ": skipped " + s + ": not an MtaStsPolicy"));
    err.flush();
    PrintWriter stdout = spec.commandLine().getOut();
    stdout.print(out);
    stdout.flush();
    return 0;
  }

  private List<ManifestReader.Document> readAll() {
    if (files.stream().filter("-"::equals).count() > 1) {
      throw new UsageException("-f - may be given once: standard input can be read only once");
    }
    List<ManifestReader.Document> documents = new ArrayList<>();
    for (String file : files) {
      documents.addAll(ManifestReader.read(file, stdin));
    }
    return documents;
  }

  private List<String> sourceNames() {
    return files.stream().map(f -> f.equals("-") ? ManifestReader.STDIN : f).toList();
  }

  /**
   * The operator's settings, parsed by the operator's own configuration code so that a value
   * the operator would refuse is refused here too.
   */
  private PlanSettings settings() {
    Map<String, String> flags = new LinkedHashMap<>();
    Map<String, String> overrides = new LinkedHashMap<>();
    put(overrides, flags, "MTASTS_WEB_SERVER_IMAGE", "--web-server-image", webServerImage);
    put(overrides, flags, "MTASTS_INGRESS_CLASS", "--ingress-class", ingressClass);
    put(overrides, flags, "MTASTS_DEFAULT_ISSUER", "--default-issuer", defaultIssuer);
    put(overrides, flags, "MTASTS_ALLOWED_IMAGES", "--allowed-images", allowedImages);
    put(overrides, flags, "MTASTS_ALLOWED_INGRESS_ANNOTATIONS", "--allowed-ingress-annotations",
        allowedIngressAnnotations);
    try {
      return OperatorConfig.from(Map.of(), overrides).planSettings();
    } catch (OperatorConfig.InvalidConfigException e) {
      String message = e.getMessage();
      for (Map.Entry<String, String> flag : flags.entrySet()) {
        message = message.replace(flag.getKey() + "=", flag.getValue() + " ");
      }
      throw new UsageException(message);
    }
  }

  private static void put(Map<String, String> overrides, Map<String, String> flags,
      String variable, String flag, String value) {
    if (value != null) {
      overrides.put(variable, value);
      flags.put(variable, flag);
    }
  }

  private String render(MtaStsPolicyDecoder.Found source, PlanSettings settings) {
    MtaStsPolicy policy = source.policy();
    String declared = policy.getMetadata().getNamespace();
    if (declared != null && spec.commandLine().getParseResult().hasMatchedOption("--namespace")
        && !declared.equals(namespace)) {
      throw new UsageException(source.document().where() + ": the namespace of MtaStsPolicy "
          + policy.getMetadata().getName() + " is '" + declared + "', which does not match"
          + " --namespace '" + namespace + "'");
    }
    policy.getMetadata().setNamespace(declared != null ? declared : namespace);
    boolean placeholder = policy.getMetadata().getUid() == null
        || policy.getMetadata().getUid().isEmpty();
    if (placeholder) {
      policy.getMetadata().setUid(PLACEHOLDER_UID);
    }
    PolicyPlan plan = PolicyPlan.of(policy, settings, PolicyIds.forNewResource(clock.instant()));
    String label = MtaStsPolicyDecoder.label(source.document()) + " (" + source.document().where() + ")";
    List<String> parts = new ArrayList<>();
    if (only == null || only == Part.POLICY) {
      parts.add("# Policy of " + label + ", served at " + plan.policyUrl() + "\n"
          + plan.policyText());
    }
    if (only == null || only == Part.DNS) {
      parts.add(dnsPart(plan, label));
    }
    if (only == null || only == Part.OBJECTS) {
      parts.add(objectsPart(plan, label, placeholder));
    }
    return String.join("\n", parts);
  }

  private static String dnsPart(PolicyPlan plan, String label) {
    List<PolicyPlan.DnsRecordValue> records = plan.dnsRecords(plan.policyId());
    // absolute names (trailing dot), so the lines can go into a zone file as they are
    int width = records.stream().mapToInt(r -> r.name().length() + 1).max().orElse(0);
    StringBuilder text = new StringBuilder("# DNS records to publish for " + label
        + ", with policy id " + plan.policyId() + "\n" + ID_NOTE);
    for (PolicyPlan.DnsRecordValue record : records) {
      text.append(String.format(Locale.ROOT, "%-" + width + "s  TXT  %s%n", record.name() + ".",
          TxtRecordText.quoted(record.value())));
    }
    return text.toString();
  }

  private static String objectsPart(PolicyPlan plan, String label, boolean placeholderUid) {
    List<HasMetadata> children = DesiredChildren.of(plan);
    StringBuilder text = new StringBuilder("# Objects the operator creates for " + label
        + " in namespace " + plan.namespace() + "\n");
    text.append("# The pod template's checksum")
        .append(plan.externalDns() ? " and the DNSEndpoint's record" : "")
        .append(" carry the policy id a new resource would be allocated now (")
        .append(plan.policyId()).append(")\n");
    if (placeholderUid) {
      text.append("# metadata.uid is not set, so ownerReferences carry the placeholder uid ")
          .append(PLACEHOLDER_UID).append("; the API server assigns the real one\n");
    }
    for (HasMetadata child : children) {
      String kind = child.getKind();
      if (kind.equals("Certificate")) {
        text.append("# The Certificate is created only when cert-manager is installed\n");
      } else if (kind.equals("DNSEndpoint")) {
        text.append("# The DNSEndpoint is created only when external-dns's DNSEndpoint CRD is"
            + " installed\n");
      }
    }
    for (HasMetadata child : children) {
      child.addOwnerReference(plan.primary());
      text.append(ManifestWriter.yaml(child));
    }
    return text.toString();
  }
}
