/** Readers for the parts of a Sluice configuration tree. Not API. */
@NullMarked
package dev.sluice.internal.config;

import org.jspecify.annotations.NullMarked;
