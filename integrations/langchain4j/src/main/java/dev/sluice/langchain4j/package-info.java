/**
 * Sluice for LangChain4j, both ways: {@link dev.sluice.langchain4j.SluiceChatModel} is a LangChain4j
 * {@code ChatModel} that routes through a Sluice route, and {@link dev.sluice.langchain4j.LangChain4jModelClient}
 * makes any LangChain4j {@code ChatModel} a Sluice variant's client.
 */
@NullMarked
package dev.sluice.langchain4j;

import org.jspecify.annotations.NullMarked;
