/**
 * The model-client SPI: what Sluice sends to a model and what it gets back.
 *
 * <p>Implement {@link dev.sluice.model.ModelClient} to put any provider behind Sluice; the
 * OpenAI-compatible HTTP client and the simulated model in core are two such implementations.
 */
@NullMarked
package dev.sluice.model;

import org.jspecify.annotations.NullMarked;
