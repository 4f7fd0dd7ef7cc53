/** Token counts: exact for models whose encoding is known (jtokkit), an upper bound otherwise. */
@NullMarked
package dev.sluice.tokens;

import org.jspecify.annotations.NullMarked;
