/**
 * The guardrail SPI: input and output checks that pass, rewrite, block, ask for a reprompt or send
 * the call to its fallback. Implementations live in {@code sluice-guardrails}.
 */
@NullMarked
package dev.sluice.guardrail;

import org.jspecify.annotations.NullMarked;
