/** Model prices and call costs in US dollars. */
@NullMarked
package dev.sluice.pricing;

import org.jspecify.annotations.NullMarked;
