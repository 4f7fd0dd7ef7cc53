package dev.sluice.spring.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * The properties under a prefix as the tree Sluice's configuration reader takes: {@code
 * sluice.routes[0].rollout.stages[1].min-calls} becomes {@code routes[0].rollout.stages[1].min_calls}.
 * Names are read as Spring Boot binds them ({@link ConfigurationPropertySources}), so an environment
 * variable such as {@code SLUICE_ROUTES_0_RESILIENCE_MAXATTEMPTS} overrides {@code
 * sluice.routes[0].resilience.max-attempts} of {@code application.yml}, list entries included; the
 * highest-precedence source wins and placeholders resolve. Kebab-case keys are read as the
 * schema's snake_case, except header names; other spellings (the environment's {@code maxattempts})
 * the configuration reader matches to the schema's.
 */
public final class PropertyTree {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private PropertyTree() {}

  public static ObjectNode read(ConfigurableEnvironment env, String prefix) {
    ConfigurationPropertyName root = ConfigurationPropertyName.of(prefix);
    // Highest precedence first; a name set in two sources (in any spelling Spring treats as equal) keeps the first.
    Map<ConfigurationPropertyName, Object> values = new LinkedHashMap<>();
    for (ConfigurationPropertySource source : ConfigurationPropertySources.get(env)) {
      if (source instanceof IterableConfigurationPropertySource iterable) {
        iterable.filter(root::isAncestorOf).stream().forEach(name -> {
          if (!values.containsKey(name)) {
            ConfigurationProperty property = iterable.getConfigurationProperty(name);
            if (property != null && property.getValue() != null) {
              values.put(name, property.getValue());
            }
          }
        });
      }
    }
    ObjectNode tree = NODES.objectNode();
    new TreeMap<>(values).forEach((name, value) -> put(tree, tokens(name, root.getNumberOfElements()),
        env.resolvePlaceholders(String.valueOf(value))));
    return tree;
  }

  /** The name's elements after the prefix, as written (a header's case kept): keys as strings, list indexes as integers. */
  private static List<Object> tokens(ConfigurationPropertyName name, int from) {
    List<Object> out = new ArrayList<>();
    for (int i = from; i < name.getNumberOfElements(); i++) {
      out.add(name.isNumericIndex(i) ? (Object) Integer.valueOf(name.getElement(i, ConfigurationPropertyName.Form.UNIFORM))
          : name.getElement(i, ConfigurationPropertyName.Form.ORIGINAL));
    }
    return out;
  }

  private static void put(ObjectNode root, List<Object> tokens, String value) {
    JsonNode node = root;
    String parentKey = "";
    for (int i = 0; i < tokens.size(); i++) {
      Object token = tokens.get(i);
      boolean last = i == tokens.size() - 1;
      Object next = last ? null : tokens.get(i + 1);
      if (token instanceof Integer index) {
        ArrayNode array = (ArrayNode) node;
        while (array.size() <= index) {
          array.addNull();
        }
        if (last) {
          array.set(index, NODES.textNode(value));
          return;
        }
        JsonNode child = array.get(index);
        if (child == null || child.isNull() || child.isValueNode()) {
          child = next instanceof Integer ? NODES.arrayNode() : NODES.objectNode();
          array.set(index, child);
        }
        node = child;
      } else {
        String key = parentKey.equals("headers") ? (String) token : ((String) token).replace('-', '_');
        ObjectNode object = (ObjectNode) node;
        if (last) {
          object.put(key, value);
          return;
        }
        JsonNode child = object.get(key);
        if (child == null || child.isValueNode() || (next instanceof Integer) != child.isArray()) {
          child = next instanceof Integer ? NODES.arrayNode() : NODES.objectNode();
          object.set(key, child);
        }
        node = child;
        parentKey = key;
      }
    }
  }
}
