package io.mtasts.operator.chart;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.AnnotatedMember;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Finds the fields of a parsed object that its Fabric8 model does not know. Fabric8 keeps such
 * fields in "additional properties" instead of failing, so a misspelt field in a template (say
 * {@code readinesProbe}) would otherwise parse and be silently ignored by the API server.
 */
final class UnmodelledFields {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private UnmodelledFields() {}

  /** Paths such as {@code spec.template.spec.containers[0].readinesProbe}. */
  static List<String> of(Object model) {
    List<String> found = new ArrayList<>();
    walk(model, "", found);
    return found;
  }

  private static void walk(Object value, String path, List<String> found) {
    if (value == null) {
      return;
    }
    if (value instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        walk(list.get(i), path + "[" + i + "]", found);
      }
      return;
    }
    if (value instanceof Map<?, ?> map) {
      map.forEach((key, entry) -> walk(entry, join(path, String.valueOf(key)), found));
      return;
    }
    if (!value.getClass().getName().startsWith("io.fabric8.")) {
      return;
    }
    BeanDescription description =
        MAPPER.getSerializationConfig().introspect(MAPPER.constructType(value.getClass()));
    AnnotatedMember anyGetter = description.findAnyGetter();
    if (anyGetter != null && anyGetter.getValue(value) instanceof Map<?, ?> additional) {
      additional.keySet().forEach(key -> found.add(join(path, String.valueOf(key))));
    }
    for (BeanPropertyDefinition property : description.findProperties()) {
      AnnotatedMember accessor = property.getAccessor();
      if (accessor != null && !accessor.equals(anyGetter)) {
        walk(accessor.getValue(value), join(path, property.getName()), found);
      }
    }
  }

  private static String join(String path, String name) {
    return path.isEmpty() ? name : path + "." + name;
  }
}
