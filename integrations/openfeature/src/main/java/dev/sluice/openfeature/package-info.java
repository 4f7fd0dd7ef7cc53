/** Route toggles from OpenFeature: {@link dev.sluice.openfeature.OpenFeatureToggleSource}. */
@NullMarked
package dev.sluice.openfeature;

import org.jspecify.annotations.NullMarked;
