package io.mtasts.operator.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.plan.SpecValidator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Turns a YAML document into an {@link MtaStsPolicy} the way the API server would accept it, or
 * into the list of problems that would make {@code kubectl apply} or the reconciler reject it,
 * each naming its field.
 */
final class MtaStsPolicyDecoder {

  static final String API_VERSION = MtaStsPolicy.GROUP + "/" + MtaStsPolicy.VERSION;
  static final String KIND = "MtaStsPolicy";

  private static final Pattern DNS_SUBDOMAIN = Pattern.compile(
      "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

  private static final ObjectMapper MAPPER = strictMapper();

  /** The decoded resource, or null when a field has the wrong type; never both absent. */
  record Decoded(MtaStsPolicy policy, List<String> problems) {
    boolean valid() {
      return problems.isEmpty();
    }
  }

  private MtaStsPolicyDecoder() {}

  /** A policy and the document it was read from. */
  record Found(MtaStsPolicy policy, ManifestReader.Document document) {}

  /**
   * What a set of manifest documents holds: the valid policies, a note for each document of
   * another kind, and each problem as {@code file:line: MtaStsPolicy name: problem}.
   */
  record Policies(List<Found> found, List<String> skipped, List<String> problems) {}

  /**
   * The policies of {@code documents}, read the way the API server would: render and demo both
   * read files this way.
   *
   * @throws UsageException for a document that is no Kubernetes object at all
   */
  static Policies policies(List<ManifestReader.Document> documents) {
    List<Found> found = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    for (ManifestReader.Document document : documents) {
      if (!document.node().isObject() || document.kind() == null) {
        throw new UsageException(document.where() + ": not a Kubernetes object; expected a"
            + " mapping with apiVersion and kind");
      }
      if (!isPolicy(document)) {
        skipped.add(document.kind() + " " + (document.name() == null ? "(unnamed)"
            : document.name()) + " (" + document.where() + ")");
        continue;
      }
      Decoded decoded = decode(document);
      String label = label(document);
      decoded.problems().forEach(p -> problems.add(document.where() + ": " + label + ": " + p));
      if (decoded.valid()) {
        found.add(new Found(decoded.policy(), document));
      }
    }
    return new Policies(found, skipped, problems);
  }

  /**
   * The one policy the demo applies: the first in {@code file} (or the bundled default when no
   * file is given and it is not in the working directory); notes about other documents go to
   * {@code err}.
   *
   * @throws UsageException naming the file and line of what cannot be used
   */
  static MtaStsPolicy firstPolicy(
      String file, String defaultFile, String command, java.io.PrintWriter err) {
    List<ManifestReader.Document> documents;
    String source = file != null ? file : defaultFile;
    if (file != null || java.nio.file.Files.isReadable(java.nio.file.Path.of(defaultFile))) {
      documents = ManifestReader.read(source, java.io.InputStream.nullInputStream());
    } else {
      try (java.io.InputStream in =
          MtaStsPolicyDecoder.class.getResourceAsStream("/" + defaultFile)) {
        if (in == null) {
          throw new UsageException("cannot find " + defaultFile + "; run from the repository"
              + " root or pass --file");
        }
        documents = ManifestReader.parse(defaultFile, in.readAllBytes());
      } catch (IOException e) {
        throw new UsageException("cannot read " + defaultFile + ": " + e.getMessage());
      }
    }
    Policies read = policies(documents);
    if (!read.problems().isEmpty()) {
      throw new UsageException(String.join("\n", read.problems()));
    }
    if (read.found().isEmpty()) {
      throw new UsageException("no MtaStsPolicy in " + source);
    }
    read.skipped().forEach(s -> err.println(command + ": skipped " + s + ": not an MtaStsPolicy"));
    read.found().stream().skip(1).forEach(f -> err.println(command + ": skipped "
        + label(f.document()) + " (" + f.document().where() + "): the demo applies one policy,"
        + " the first"));
    err.flush();
    return read.found().get(0).policy();
  }

  static String label(ManifestReader.Document document) {
    return "MtaStsPolicy " + (document.name() == null ? "(unnamed)" : document.name());
  }

  /** Whether a document is meant to be an MtaStsPolicy, whatever its apiVersion says. */
  static boolean isPolicy(ManifestReader.Document document) {
    return KIND.equals(document.kind());
  }

  static Decoded decode(ManifestReader.Document document) {
    List<String> problems = new ArrayList<>();
    if (document.apiVersion() == null) {
      problems.add("apiVersion: required; use " + API_VERSION);
    } else if (!API_VERSION.equals(document.apiVersion())) {
      problems.add("apiVersion: '" + document.apiVersion() + "' is not served for " + KIND
          + "; use " + API_VERSION);
    }
    MtaStsPolicy policy;
    try {
      policy = reader(problems).readValue(MAPPER.treeAsTokens(document.node()));
    } catch (JsonMappingException e) {
      problems.add(typeProblem(e));
      return new Decoded(null, problems);
    } catch (IOException e) {
      problems.add("(document): " + e.getMessage());
      return new Decoded(null, problems);
    }
    checkMetadata(policy, problems);
    problems.addAll(SpecValidator.problems(policy.getSpec()));
    return new Decoded(policy, problems);
  }

  /**
   * Fabric8's mapper, made as strict as the API server: no quietly turning 1.5 into 1, "80" into
   * 80 or 80 into "80", since the schema rejects each of them.
   */
  private static ObjectMapper strictMapper() {
    ObjectMapper mapper = new ObjectMapper();
    new KubernetesSerialization(mapper, false);
    mapper.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
    for (LogicalType type : List.of(LogicalType.Integer, LogicalType.Float, LogicalType.Boolean)) {
      mapper.coercionConfigFor(type).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
    }
    for (CoercionInputShape shape : List.of(
        CoercionInputShape.Integer, CoercionInputShape.Float, CoercionInputShape.Boolean)) {
      mapper.coercionConfigFor(LogicalType.Textual).setCoercion(shape, CoercionAction.Fail);
      mapper.coercionConfigFor(LogicalType.Enum).setCoercion(shape, CoercionAction.Fail);
    }
    mapper.coercionConfigFor(LogicalType.Boolean)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
    return mapper;
  }

  /** A reader that lists every unknown field instead of dropping it, as strict kubectl does. */
  private static ObjectReader reader(List<String> problems) {
    return MAPPER.readerFor(MtaStsPolicy.class).withHandler(new DeserializationProblemHandler() {
      @Override
      public boolean handleUnknownProperty(DeserializationContext ctxt, JsonParser p,
          JsonDeserializer<?> deserializer, Object beanOrClass, String propertyName)
          throws IOException {
        String field = fieldPath(p);
        String known = knownFields(deserializer);
        problems.add(field + ": unknown field" + (known.isEmpty() ? "" : "; expected one of "
            + known));
        p.skipChildren();
        return true;
      }
    });
  }

  /** The dotted path of the field the parser is at, such as {@code spec.tls.issuerReff}. */
  private static String fieldPath(JsonParser p) {
    JsonStreamContext context = p.getParsingContext();
    JsonToken token = p.currentToken();
    if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
      // the parser has already entered the unknown field's value
      context = context.getParent();
    }
    List<String> segments = new ArrayList<>();
    for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
      if (c.inArray()) {
        segments.add(0, "[" + Math.max(c.getCurrentIndex(), 0) + "]");
      } else if (c.getCurrentName() != null) {
        segments.add(0, c.getCurrentName());
      }
    }
    return join(segments);
  }

  /** Joins field names with dots and appends list indexes directly: {@code spec.mx[0]}. */
  private static String join(List<String> segments) {
    StringBuilder path = new StringBuilder();
    for (String segment : segments) {
      if (path.length() > 0 && !segment.startsWith("[")) {
        path.append('.');
      }
      path.append(segment);
    }
    return path.toString();
  }

  private static String knownFields(JsonDeserializer<?> deserializer) {
    Collection<Object> names = deserializer == null ? null : deserializer.getKnownPropertyNames();
    if (names == null || names.isEmpty()) {
      return "";
    }
    return names.stream().map(Object::toString).sorted().collect(Collectors.joining(", "));
  }

  /** A field holding the wrong kind of value: its path and what it should hold. */
  private static String typeProblem(JsonMappingException e) {
    List<String> segments = new ArrayList<>();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        segments.add(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        segments.add("[" + ref.getIndex() + "]");
      }
    }
    String path = join(segments);
    Class<?> target = e instanceof MismatchedInputException m ? m.getTargetType() : null;
    String field = path.isEmpty() ? "(document)" : path;
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof InputCoercionException) {
        return field + ": the number is too large";
      }
    }
    if (e instanceof InvalidFormatException f && f.getValue() != null && target != null) {
      return field + ": '" + f.getValue() + "' is not allowed; expected " + expected(target);
    }
    return field + (target == null ? ": wrong type of value" : ": expected " + expected(target));
  }

  private static String expected(Class<?> type) {
    if (type.isEnum()) {
      return "one of " + Arrays.stream(type.getEnumConstants()).map(Object::toString)
          .collect(Collectors.joining(", "));
    }
    if (type == Long.class || type == Integer.class || type == long.class || type == int.class) {
      return "a whole number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (type == String.class) {
      return "a string";
    }
    if (Collection.class.isAssignableFrom(type)) {
      return "a list";
    }
    return "a mapping of fields";
  }

  private static void checkMetadata(MtaStsPolicy policy, List<String> problems) {
    var metadata = policy.getMetadata();
    String name = metadata.getName();
    if (name == null || name.isEmpty()) {
      problems.add("metadata.name: required");
    } else if (name.length() > 253 || !DNS_SUBDOMAIN.matcher(name).matches()) {
      problems.add("metadata.name: '" + name + "' is not a valid name (lower case letters,"
          + " digits, '-' and '.', starting and ending with a letter or digit)");
    }
    String namespace = metadata.getNamespace();
    if (namespace != null && !DNS_LABEL.matcher(namespace).matches()) {
      problems.add("metadata.namespace: '" + namespace + "' is not a valid namespace name");
    }
    Map<String, Object> unknown = metadata.getAdditionalProperties();
    if (unknown != null) {
      new TreeSet<>(unknown.keySet()).forEach(k -> problems.add("metadata." + k
          + ": unknown field"));
    }
  }
}
