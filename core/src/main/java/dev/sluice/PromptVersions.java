package dev.sluice;

import dev.sluice.outcome.InvalidConfigurationException;
import dev.sluice.release.Variant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * Versions that cannot lie: within a route, every variant that says one {@code promptVersion} must
 * hold the same prompt (system prompt and parameters, {@link Variant#promptFingerprint()}). An
 * edited prompt that kept its old label would be invisible to every meter and to the judge, which
 * compare by label. Two routes may use one label for different prompts: the route is a tag too.
 */
final class PromptVersions {

  private PromptVersions() {}

  static void check(Collection<Route> routes) {
    for (Route route : routes) {
      Map<String, String[]> seen = new HashMap<>();
      for (Variant v : route.variants().values()) {
        String version = v.labels().promptVersion().orElse(null);
        if (version == null) {
          continue;
        }
        String where = "routes[" + route.name() + "].variants[" + v.id() + "]";
        String[] first = seen.putIfAbsent(version, new String[] {where, v.promptFingerprint()});
        if (first != null && !first[1].equals(v.promptFingerprint())) {
          throw new InvalidConfigurationException(where + ".labels.prompt_version", "promptVersion '" + version + "' is also the label of "
              + first[0] + ", whose prompt differs (prompt fingerprints " + first[1] + " and " + v.promptFingerprint()
              + "); a changed system prompt or parameters needs a new promptVersion");
        }
      }
    }
  }
}
