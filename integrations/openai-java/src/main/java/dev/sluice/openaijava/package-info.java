/**
 * Sluice over the official OpenAI Java SDK: {@link dev.sluice.openaijava.OpenAiJavaModelClient}
 * makes a configured {@code OpenAIClient} a variant's client.
 */
@NullMarked
package dev.sluice.openaijava;

import org.jspecify.annotations.NullMarked;
