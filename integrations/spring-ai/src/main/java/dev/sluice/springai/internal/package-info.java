/** Translation between Spring AI's prompts and answers and Sluice's; not API. */
@NullMarked
package dev.sluice.springai.internal;

import org.jspecify.annotations.NullMarked;
