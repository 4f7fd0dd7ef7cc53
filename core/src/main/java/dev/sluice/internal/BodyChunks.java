package dev.sluice.internal;

import dev.sluice.model.ChatChunk;
import dev.sluice.outcome.ModelCallException;
import java.util.concurrent.Flow;

/**
 * A streaming {@code @LlmRoute} body's publisher read as chunks: text (any {@link CharSequence})
 * becomes a text chunk, a {@link ChatChunk} passes as it is; anything else ends the stream as bad
 * output.
 */
final class BodyChunks {

  private BodyChunks() {}

  static Flow.Publisher<ChatChunk> of(Flow.Publisher<?> body) {
    return new MappedStream<Object, ChatChunk>(body, item -> {
      if (item instanceof ChatChunk c) {
        return c;
      }
      if (item instanceof CharSequence text) {
        return ChatChunk.text(text.toString());
      }
      throw new ModelCallException(ModelCallException.Kind.BAD_OUTPUT, 0, "the streaming @LlmRoute method's publisher sent a "
          + item.getClass().getName() + "; it may send text (String) or ChatChunk", null, null);
    });
  }
}
