package dev.sluice.release;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Something that changed a route's releases, with who did it, when and why: an audit event
 * ({@code "event": "release"}) and a line of the route's release history.
 *
 * @param at when
 * @param route the route
 * @param release the release's id (its variant id)
 * @param kind {@code published} (it became the candidate; its rollout started), {@code promoted}
 *     (it became the baseline), {@code rolled_back} (its rollout was stopped; it stays, marked),
 *     {@code rolled_back_to} (an earlier release became the baseline again at once), {@code refused}
 *     (it was not taken, {@code why} says why)
 * @param who a person, a file ({@code file:support-v9.yaml}) or {@code sluice}
 * @param why the reason given, or why it was refused
 * @param fingerprint the release's content fingerprint ({@link Variant#fingerprint()}), empty if unknown
 * @param promptVersion its {@code promptVersion} label, empty if none
 */
public record ReleaseEvent(Instant at, String route, String release, String kind, String who, String why, String fingerprint,
    String promptVersion) {

  /** This event as one line of JSON, {@code "event": "release"} telling it from calls and rollout changes. */
  public String toJson() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("event", "release");
    m.put("at", at.toString());
    m.put("route", route);
    m.put("release", release);
    m.put("kind", kind);
    m.put("who", who);
    m.put("why", why);
    if (!fingerprint.isEmpty()) {
      m.put("fingerprint", fingerprint);
    }
    if (!promptVersion.isEmpty()) {
      m.put("prompt_version", promptVersion);
    }
    return dev.sluice.internal.EventJson.of(m);
  }
}
