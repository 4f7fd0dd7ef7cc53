package dev.sluice.rollout;

import java.util.LinkedHashMap;
import java.util.Map;
import java.time.Instant;

/**
 * Something that changed a rollout or its toggles, with who did it and why.
 *
 * @param at when
 * @param route the route
 * @param kind what happened: {@code advanced}, {@code rolled_back}, {@code paused}, {@code resumed},
 *     {@code forced_advance}, {@code killed}, {@code unkilled}, {@code pinned}, {@code unpinned},
 *     {@code percent}, {@code gate}, {@code escalated}, {@code held}
 * @param who a person or {@code sluice} (automatic)
 * @param why the reason given
 * @param stage the stage after the change
 * @param owner the rollout plan's owner (who answers for it), empty when the plan names none
 */
public record RolloutEvent(Instant at, String route, String kind, String who, String why, String stage, String owner) {

  /** An event of a plan that names no owner. */
  public RolloutEvent(Instant at, String route, String kind, String who, String why, String stage) {
    this(at, route, kind, who, why, stage, "");
  }

  /** This event as one line of JSON, {@code "event": "rollout"} telling it from a call's audit event. */
  public String toJson() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("event", "rollout");
    m.put("at", at.toString());
    m.put("route", route);
    m.put("kind", kind);
    m.put("who", who);
    m.put("why", why);
    m.put("stage", stage);
    if (!owner.isEmpty()) {
      m.put("owner", owner);
    }
    return dev.sluice.internal.EventJson.of(m);
  }
}
