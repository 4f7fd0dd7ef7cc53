/** A model client for any OpenAI-compatible chat-completions endpoint: OpenAI, Azure OpenAI, vLLM, Ollama, LM Studio. */
@NullMarked
package dev.sluice.openai;

import org.jspecify.annotations.NullMarked;
