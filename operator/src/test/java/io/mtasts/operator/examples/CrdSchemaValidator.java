package io.mtasts.operator.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Checks a custom resource against a CRD's {@code openAPIV3Schema} the way the API server does
 * on {@code kubectl apply}: nulls dropped and defaults filled in first, then types, required
 * fields, enums, patterns, lengths, bounds, item counts, unknown fields, and the CEL rules.
 *
 * <p>It knows the schema keywords the generated CRD uses and nothing more: a CRD with another
 * keyword is refused when loaded, so a new constraint cannot be skipped without notice. CEL rules
 * are evaluated by hand, one Java predicate per rule text; an unknown rule is a problem too.
 */
final class CrdSchemaValidator {

  private static final Set<String> KEYWORDS = Set.of(
      "type", "description", "default", "properties", "required", "additionalProperties",
      "items", "enum", "pattern", "minLength", "maxLength", "minimum", "maximum", "minItems",
      "maxItems", "nullable", "anyOf", "x-kubernetes-int-or-string",
      "x-kubernetes-preserve-unknown-fields", "x-kubernetes-validations");

  /** The CEL rules of the CRD, evaluated by hand on the object they are attached to. */
  private static final Map<String, Predicate<JsonNode>> CEL_RULES = Map.of(
      "(has(self.mode) && self.mode == 'none') || (has(self.mx) && size(self.mx) > 0)",
      self -> (self.has("mode") && self.get("mode").asText().equals("none"))
          || (self.has("mx") && self.get("mx").size() > 0),
      // a transition rule: this validator checks a resource as created, and the API server
      // evaluates a rule that reads oldSelf only on updates
      "self == oldSelf",
      self -> true,
      "self.type != 'Gateway' || has(self.gateway)",
      self -> !self.path("type").asText().equals("Gateway") || self.has("gateway"),
      "!has(self.sectionName) || (has(self.listener) && self.listener != 'ListenerSet')",
      self -> !self.has("sectionName") || (self.has("listener")
          && !self.get("listener").asText().equals("ListenerSet")));

  /** Top-level fields every object has, which a CRD's schema does not list. */
  private static final Set<String> OBJECT_FIELDS = Set.of("apiVersion", "kind", "metadata");

  private final JsonNode schema;

  CrdSchemaValidator(JsonNode openApiV3Schema) {
    this.schema = openApiV3Schema;
    checkKeywords(openApiV3Schema, "openAPIV3Schema");
  }

  /** The schema of {@code version} in a CRD file. */
  static CrdSchemaValidator load(Path crdFile, String version) throws IOException {
    JsonNode crd = new YAMLMapper().readTree(Files.readString(crdFile));
    for (JsonNode v : crd.at("/spec/versions")) {
      if (v.get("name").asText().equals(version)) {
        return new CrdSchemaValidator(v.at("/schema/openAPIV3Schema"));
      }
    }
    throw new IllegalArgumentException(crdFile + " has no version " + version);
  }

  /** Problems with {@code resource}, each starting with the path of its field; empty if valid. */
  List<String> problems(JsonNode resource) {
    List<String> problems = new ArrayList<>();
    if (!resource.isObject()) {
      problems.add("(document): expected an object");
      return problems;
    }
    ObjectNode copy = resource.deepCopy();
    for (String field : OBJECT_FIELDS) {
      copy.remove(field);
    }
    JsonNode defaulted = normalize(copy, schema);
    validate(defaulted, schema, "", problems);
    return problems;
  }

  private static void checkKeywords(JsonNode node, String path) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String keyword = it.next();
      if (!KEYWORDS.contains(keyword)) {
        throw new IllegalStateException("schema keyword '" + keyword + "' at " + path
            + " is not checked by " + CrdSchemaValidator.class.getSimpleName() + "; add it");
      }
    }
    for (Map.Entry<String, JsonNode> property : node.path("properties").properties()) {
      checkKeywords(property.getValue(), path + ".properties." + property.getKey());
    }
    if (node.has("items")) {
      checkKeywords(node.get("items"), path + ".items");
    }
    if (node.path("additionalProperties").isObject()) {
      checkKeywords(node.get("additionalProperties"), path + ".additionalProperties");
    }
    if (node.has("anyOf") && !node.path("x-kubernetes-int-or-string").asBoolean(false)) {
      throw new IllegalStateException("anyOf at " + path + " is only checked as part of"
          + " x-kubernetes-int-or-string");
    }
    for (JsonNode rule : node.path("x-kubernetes-validations")) {
      String text = rule.path("rule").asText();
      if (!CEL_RULES.containsKey(text)) {
        throw new IllegalStateException("CEL rule at " + path + " has no hand evaluation in "
            + CrdSchemaValidator.class.getSimpleName() + "; add one for: " + text);
      }
    }
  }

  /**
   * What the API server stores before validating: null fields that are not nullable removed,
   * and absent fields with a default given it, in every object present.
   */
  private static JsonNode normalize(JsonNode node, JsonNode schema) {
    if (node.isObject()) {
      ObjectNode object = (ObjectNode) node;
      JsonNode properties = schema.path("properties");
      for (Map.Entry<String, JsonNode> field : new ArrayList<>(object.properties())) {
        JsonNode fieldSchema = properties.has(field.getKey())
            ? properties.get(field.getKey()) : schema.path("additionalProperties");
        if (field.getValue().isNull() && !fieldSchema.path("nullable").asBoolean(false)) {
          object.remove(field.getKey());
        } else if (fieldSchema.isObject()) {
          object.set(field.getKey(), normalize(field.getValue(), fieldSchema));
        }
      }
      for (Map.Entry<String, JsonNode> property : properties.properties()) {
        if (!object.has(property.getKey()) && property.getValue().has("default")) {
          object.set(property.getKey(), normalize(property.getValue().get("default").deepCopy(),
              property.getValue()));
        }
      }
    } else if (node.isArray() && schema.has("items")) {
      for (int i = 0; i < node.size(); i++) {
        normalize(node.get(i), schema.get("items"));
      }
    }
    return node;
  }

  private static void validate(JsonNode node, JsonNode schema, String path,
      List<String> problems) {
    String where = path.isEmpty() ? "(document)" : path;
    if (schema.path("x-kubernetes-int-or-string").asBoolean(false)) {
      if (!node.isIntegralNumber() && !node.isTextual()) {
        problems.add(where + ": expected an integer or a string");
      }
      return;
    }
    if (!hasType(node, schema.path("type").asText(""))) {
      problems.add(where + ": expected type " + schema.path("type").asText()
          + ", found " + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
      return;
    }
    checkScalar(node, schema, where, problems);
    if (node.isArray()) {
      checkCount(node.size(), schema, "minItems", "maxItems", "items", where, problems);
      for (int i = 0; i < node.size(); i++) {
        validate(node.get(i), schema.path("items"), path + "[" + i + "]", problems);
      }
    }
    if (node.isObject()) {
      validateObject(node, schema, path, problems);
    }
  }

  private static void validateObject(JsonNode node, JsonNode schema, String path,
      List<String> problems) {
    String prefix = path.isEmpty() ? "" : path + ".";
    JsonNode properties = schema.path("properties");
    for (JsonNode required : schema.path("required")) {
      if (!node.has(required.asText())) {
        problems.add(prefix + required.asText() + ": required");
      }
    }
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      if (properties.has(field.getKey())) {
        validate(field.getValue(), properties.get(field.getKey()), prefix + field.getKey(),
            problems);
      } else if (schema.path("additionalProperties").isObject()) {
        validate(field.getValue(), schema.get("additionalProperties"),
            prefix + field.getKey(), problems);
      } else if (!schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
        problems.add(prefix + field.getKey() + ": unknown field");
      }
    }
    for (JsonNode rule : schema.path("x-kubernetes-validations")) {
      if (!CEL_RULES.get(rule.get("rule").asText()).test(node)) {
        String field = rule.path("fieldPath").asText("");
        problems.add((path + field).replaceFirst("^\\.", "") + ": "
            + rule.path("message").asText("failed rule " + rule.get("rule").asText()));
      }
    }
  }

  private static boolean hasType(JsonNode node, String type) {
    return switch (type) {
      case "object" -> node.isObject();
      case "array" -> node.isArray();
      case "string" -> node.isTextual();
      case "integer" -> node.isIntegralNumber();
      case "number" -> node.isNumber();
      case "boolean" -> node.isBoolean();
      case "" -> true;
      default -> throw new IllegalStateException("schema type '" + type + "' is not checked");
    };
  }

  private static void checkScalar(JsonNode node, JsonNode schema, String where,
      List<String> problems) {
    if (schema.has("enum")) {
      boolean listed = false;
      for (JsonNode allowed : schema.get("enum")) {
        listed |= allowed.equals(node);
      }
      if (!listed) {
        problems.add(where + ": " + node + " is not one of " + schema.get("enum"));
      }
    }
    if (node.isTextual()) {
      String text = node.asText();
      if (schema.has("pattern") && !Pattern.compile(schema.get("pattern").asText())
          .matcher(text).find()) {
        problems.add(where + ": '" + text + "' does not match " + schema.get("pattern"));
      }
      checkCount(text.codePointCount(0, text.length()), schema, "minLength", "maxLength",
          "characters", where, problems);
    }
    if (node.isNumber()) {
      BigDecimal value = node.decimalValue();
      if (schema.has("minimum") && value.compareTo(schema.get("minimum").decimalValue()) < 0) {
        problems.add(where + ": " + value + " is less than the minimum "
            + schema.get("minimum").decimalValue().toPlainString());
      }
      if (schema.has("maximum") && value.compareTo(schema.get("maximum").decimalValue()) > 0) {
        problems.add(where + ": " + value + " is more than the maximum "
            + schema.get("maximum").decimalValue().toPlainString());
      }
    }
  }

  private static void checkCount(int count, JsonNode schema, String min, String max,
      String unit, String where, List<String> problems) {
    if (schema.has(min) && count < schema.get(min).asInt()) {
      problems.add(where + ": " + count + " " + unit + ", at least " + schema.get(min).asInt()
          + " required");
    }
    if (schema.has(max) && count > schema.get(max).asInt()) {
      problems.add(where + ": " + count + " " + unit + ", at most " + schema.get(max).asInt()
          + " allowed");
    }
  }
}
