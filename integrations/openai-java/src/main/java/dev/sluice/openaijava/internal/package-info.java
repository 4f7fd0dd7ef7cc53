/** Translation between Sluice's requests and answers and the OpenAI Java SDK's; not API. */
@NullMarked
package dev.sluice.openaijava.internal;

import org.jspecify.annotations.NullMarked;
