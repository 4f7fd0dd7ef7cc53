package dev.sluice.rollout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;

/**
 * How a shadow answer compares with the answer the caller got: exactly equal, the same JSON
 * structure (keys and value types, recursively), and a normalised text similarity (Jaccard over
 * lower-cased words), 0 to 1.
 *
 * @param exact the texts are identical
 * @param jsonStructure both parse as JSON with the same structure (false if either is not JSON)
 * @param similarity word-set Jaccard similarity of the normalised texts
 */
public record ShadowComparison(boolean exact, boolean jsonStructure, double similarity) {

  private static final ObjectMapper JSON = new ObjectMapper();

  public static ShadowComparison of(String served, String shadow) {
    return new ShadowComparison(served.equals(shadow), sameJsonStructure(served, shadow), similarity(served, shadow));
  }

  /** Jaccard similarity of the two texts' sets of lower-cased words; 1 for two empty texts. */
  public static double similarity(String a, String b) {
    Set<String> x = words(a);
    Set<String> y = words(b);
    if (x.isEmpty() && y.isEmpty()) {
      return 1;
    }
    Set<String> inter = new HashSet<>(x);
    inter.retainAll(y);
    Set<String> union = new HashSet<>(x);
    union.addAll(y);
    return (double) inter.size() / union.size();
  }

  static Set<String> words(String text) {
    Set<String> out = new HashSet<>();
    for (String w : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
      if (!w.isEmpty()) {
        out.add(w);
      }
    }
    return out;
  }

  static boolean sameJsonStructure(String a, String b) {
    try {
      JsonNode x = JSON.readTree(a.strip());
      JsonNode y = JSON.readTree(b.strip());
      return x != null && y != null && (x.isContainerNode() || y.isContainerNode()) && sameShape(x, y);
    } catch (Exception notJson) {
      return false;
    }
  }

  private static boolean sameShape(JsonNode x, JsonNode y) {
    if (x.getNodeType() != y.getNodeType()) {
      return false;
    }
    if (x.isObject()) {
      if (x.size() != y.size()) {
        return false;
      }
      for (Iterator<String> it = x.fieldNames(); it.hasNext(); ) {
        String f = it.next();
        if (!y.has(f) || !sameShape(x.get(f), y.get(f))) {
          return false;
        }
      }
      return true;
    }
    if (x.isArray()) {
      return x.isEmpty() || y.isEmpty() || sameShape(x.get(0), y.get(0));
    }
    return true;
  }
}
