/**
 * The release unit: a {@link dev.sluice.release.Variant} (model client, model, parameters, system
 * prompt) and the {@link dev.sluice.release.VersionLabels} that name what produced an answer.
 */
@NullMarked
package dev.sluice.release;

import org.jspecify.annotations.NullMarked;
