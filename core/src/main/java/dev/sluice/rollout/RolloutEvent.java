package dev.sluice.rollout;

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
 */
public record RolloutEvent(Instant at, String route, String kind, String who, String why, String stage) {}
