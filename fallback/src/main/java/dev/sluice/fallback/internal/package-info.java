/** Fallback links made from a configuration file's {@code fallback} section; found by ServiceLoader. Not API. */
@NullMarked
package dev.sluice.fallback.internal;

import org.jspecify.annotations.NullMarked;
