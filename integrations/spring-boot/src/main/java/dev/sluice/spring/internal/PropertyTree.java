package dev.sluice.spring.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;

/**
 * The properties under a prefix as the tree Sluice's configuration reader takes: {@code
 * sluice.routes[0].rollout.stages[1].min-calls} becomes {@code routes[0].rollout.stages[1].min_calls}.
 * Values come from {@link ConfigurableEnvironment#getProperty}, so placeholders resolve and the
 * highest-precedence source wins. Kebab-case keys are read as the schema's snake_case, except
 * header names.
 */
public final class PropertyTree {

  private static final Pattern TOKEN = Pattern.compile("([^.\\[\\]]+)|\\[(\\d+)\\]");
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private PropertyTree() {}

  public static ObjectNode read(ConfigurableEnvironment env, String prefix) {
    Set<String> names = new TreeSet<>();
    for (PropertySource<?> source : env.getPropertySources()) {
      if (source instanceof EnumerablePropertySource<?> e) {
        for (String name : e.getPropertyNames()) {
          if (name.startsWith(prefix + ".")) {
            names.add(name);
          }
        }
      }
    }
    ObjectNode root = NODES.objectNode();
    for (String name : names) {
      String value = env.getProperty(name);
      if (value != null) {
        put(root, tokens(name.substring(prefix.length() + 1)), value);
      }
    }
    return root;
  }

  private static List<Object> tokens(String path) {
    List<Object> out = new ArrayList<>();
    Matcher m = TOKEN.matcher(path);
    while (m.find()) {
      out.add(m.group(1) != null ? m.group(1) : (Object) Integer.valueOf(m.group(2)));
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
