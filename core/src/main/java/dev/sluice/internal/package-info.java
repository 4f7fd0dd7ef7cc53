/** Implementation of the pipeline; not API, may change in any release. */
@NullMarked
package dev.sluice.internal;

import org.jspecify.annotations.NullMarked;
