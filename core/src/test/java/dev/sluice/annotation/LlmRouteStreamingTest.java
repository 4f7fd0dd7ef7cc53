package dev.sluice.annotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.Fixtures;
import dev.sluice.Route;
import dev.sluice.Sluice;
import dev.sluice.SluiceCall;
import dev.sluice.SluiceStream;
import dev.sluice.audit.AuditEvent;
import dev.sluice.model.ChatChunk;
import dev.sluice.outcome.InvalidConfigurationException;
import dev.sluice.resilience.ResiliencePolicy;
import dev.sluice.simulated.SimulatedFailure;
import dev.sluice.simulated.SimulatedModelClient;
import dev.sluice.streaming.ChunkReader;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.SubmissionPublisher;
import org.junit.jupiter.api.Test;

/** {@code @LlmRoute} methods that stream: the body's publisher is the attempt's stream, inside the same pipeline. */
class LlmRouteStreamingTest {

  @LlmRoute("r")
  interface Writer {
    /** Streams the variant's own answer through the attempt's client. */
    Flow.Publisher<String> write(@RoutingKey String user, String topic, SluiceCall call);

    /** Streams text of its own making. */
    Flow.Publisher<ChatChunk> count(@RoutingKey String user, String upTo);
  }

  static final class Impl implements Writer {
    final List<String> topics = new CopyOnWriteArrayList<>();

    @Override
    public Flow.Publisher<String> write(String user, String topic, SluiceCall call) {
      topics.add(topic);
      @SuppressWarnings("unchecked")
      Flow.Publisher<String> p = (Flow.Publisher<String>) (Flow.Publisher<?>) call.client().stream(call.request());
      return p;
    }

    @Override
    public Flow.Publisher<ChatChunk> count(String user, String upTo) {
      return subscriber -> {
        SubmissionPublisher<ChatChunk> p = new SubmissionPublisher<>(Runnable::run, 16);
        p.subscribe(subscriber);
        for (int i = 1; i <= Integer.parseInt(upTo); i++) {
          p.submit(ChatChunk.text(i + " "));
        }
        p.close();
      };
    }
  }

  final List<AuditEvent> audit = new CopyOnWriteArrayList<>();

  Sluice sluice(SimulatedModelClient model) {
    return Sluice.builder()
        .route(Route.builder("r").baseline(Fixtures.variant("v1", model, "gpt-4o", "p1"))
            .resilience(ResiliencePolicy.builder().maxAttempts(2).backoff(Duration.ofMillis(1), 1, Duration.ofMillis(1), 0).build()).build())
        .meterRegistry(new SimpleMeterRegistry()).auditSink(audit::add).build();
  }

  static List<Object> collect(Flow.Publisher<?> p) {
    ChunkReader<Object> reader = ChunkReader.all();
    p.subscribe(reader);
    if (reader.await().failure.get() != null) {
      throw new AssertionError("the stream failed", reader.failure.get());
    }
    return reader.items;
  }

  @Test
  void aMethodStreamingTheVariantsAnswerGetsItsTextWithUsageAndLabels() {
    SimulatedModelClient model = SimulatedModelClient.builder().outputTokens(9, 10).text("alpha beta gamma").build();
    Impl impl = new Impl();
    Writer w = sluice(model).proxy(Writer.class, impl);

    List<Object> pieces = collect(w.write("u1", "greek letters", null));

    assertThat(String.join("", pieces.stream().map(String.class::cast).toList())).isEqualTo("alpha beta gamma");
    assertThat(impl.topics).containsExactly("greek letters");
    assertThat(audit).singleElement().satisfies(e -> {
      assertThat(e.outcome()).isEqualTo("success");
      assertThat(e.usage().get("output")).as("the stream's usage chunk").isBetween(9L, 10L);
      assertThat(e.details()).doesNotContainKey("usage_estimated");
      assertThat(e.labels()).containsEntry("prompt_version", "p1");
    });
  }

  @Test
  void aFailureBeforeTheFirstChunkRunsTheMethodAgain() {
    SimulatedModelClient model = SimulatedModelClient.builder().outputTokens(9, 10).text("second time lucky")
        .failure(SimulatedFailure.UNAVAILABLE, 0.5).seed(3).build();
    Impl impl = new Impl();
    Writer w = sluice(model).proxy(Writer.class, impl);

    int retried = 0;
    for (int i = 0; i < 10; i++) {
      impl.topics.clear();
      try {
        List<Object> pieces = collect(w.write("u1", "t", null));
        assertThat(String.join("", pieces.stream().map(String.class::cast).toList())).isEqualTo("second time lucky");
      } catch (AssertionError failedTwice) {
        assertThat(impl.topics).as(String.valueOf(failedTwice.getCause())).hasSize(2);
      }
      retried += impl.topics.size() == 2 ? 1 : 0;
    }
    assertThat(retried).isPositive();
  }

  @Test
  void aMethodStreamingItsOwnChunksIsASluiceStreamWithAResponse() {
    Writer w = sluice(SimulatedModelClient.builder().build()).proxy(Writer.class, new Impl());

    Flow.Publisher<ChatChunk> p = w.count("u1", "5");
    assertThat(p).isInstanceOf(SluiceStream.class);
    List<Object> chunks = collect(p);

    assertThat(chunks.stream().map(c -> ((ChatChunk) c).text()).reduce("", String::concat)).isEqualTo("1 2 3 4 5 ");
    assertThat(((SluiceStream) p).response().join().usage().outputTokens()).as("estimated: the body's stream said nothing").isPositive();
    assertThat(audit.get(0).details()).containsKey("usage_estimated");
  }

  @LlmRoute("r")
  interface WrongElement {
    Flow.Publisher<Integer> numbers(String q);
  }

  @LlmRoute("r")
  interface StreamingWithFallbackMethod {
    @LlmRoute(value = "r", fallbackMethod = "sorry")
    Flow.Publisher<String> write(String q);

    default Flow.Publisher<String> sorry(String q, Throwable t) {
      return null;
    }
  }

  @Test
  void misuseIsRefusedWhenTheProxyIsMade() {
    Sluice s = sluice(SimulatedModelClient.builder().build());
    assertThatThrownBy(() -> s.proxy(WrongElement.class, q -> null)).isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("Publisher<String>");
    assertThatThrownBy(() -> s.proxy(StreamingWithFallbackMethod.class, q -> null)).isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("fallback links");
  }
}
