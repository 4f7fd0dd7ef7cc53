/** One audit event per call, and where it goes. */
@NullMarked
package dev.sluice.audit;

import org.jspecify.annotations.NullMarked;
