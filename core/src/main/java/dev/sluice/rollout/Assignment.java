package dev.sluice.rollout;

import dev.sluice.Variant;

/**
 * The variant a call gets and why.
 *
 * @param variant the variant
 * @param candidate whether it is the rollout's candidate
 * @param reason bounded: {@code baseline}, {@code candidate}, {@code pinned}, {@code killed},
 *     {@code rolled_back}, {@code allow_list}
 * @param stage the stage's name, or {@code none} without a rollout
 */
public record Assignment(Variant variant, boolean candidate, String reason, String stage) {}
