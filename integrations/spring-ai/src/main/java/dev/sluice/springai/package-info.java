/**
 * Sluice for Spring AI, both ways: {@link dev.sluice.springai.SluiceSpringAiChatModel} is a Spring AI
 * {@code ChatModel} that routes through a Sluice route, and {@link dev.sluice.springai.SpringAiModelClient}
 * makes any Spring AI {@code ChatModel} a Sluice variant's client.
 */
@NullMarked
package dev.sluice.springai;

import org.jspecify.annotations.NullMarked;
