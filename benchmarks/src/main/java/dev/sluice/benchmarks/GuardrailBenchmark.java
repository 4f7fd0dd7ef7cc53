package dev.sluice.benchmarks;

import dev.sluice.Route;
import dev.sluice.subject.Subject;
import dev.sluice.release.Variant;
import dev.sluice.guardrail.GuardrailResult;
import dev.sluice.guardrail.InputGuardrail;
import dev.sluice.guardrails.InvisibleText;
import dev.sluice.guardrails.Pii;
import dev.sluice.guardrails.PromptInjection;
import dev.sluice.guardrails.Secrets;
import dev.sluice.model.ChatRequest;
import dev.sluice.pipeline.CallContext;
import dev.sluice.simulated.SimulatedModelClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Each default input guardrail alone, and the four together, on a prompt of a given size: the
 * call benchmark's 1 KB support message repeated ({@code prose}), or documentation with code
 * blocks, tables and URLs ({@code docs}: the first 64 KB of LangChain4j's documentation, see
 * {@code NOTICE.md} beside it) repeated or cut to size.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class GuardrailBenchmark {

  @Param({"invisible_text", "pii", "secrets", "prompt_injection", "all_four"})
  public String guardrail;

  /** The prompt's size in KB (growth with size is what to watch). */
  @Param({"1"})
  public int kilobytes;

  /** {@code prose} or {@code docs}. */
  @Param({"prose"})
  public String text;

  private InputGuardrail check;
  private String prompt;
  private CallContext call;

  @Setup
  public void setUp() {
    List<InputGuardrail> four = List.of(new InvisibleText(), Pii.redacting(), Secrets.redacting(), new PromptInjection());
    check = Map.<String, InputGuardrail>of("invisible_text", four.get(0), "pii", four.get(1), "secrets", four.get(2),
        "prompt_injection", four.get(3), "all_four", new AllOf(four)).get(guardrail);
    prompt = switch (text) {
      case "prose" -> CallOverheadBenchmark.kilobytePrompt().repeat(kilobytes);
      case "docs" -> ofSize(docs(), kilobytes * 1024);
      default -> throw new IllegalArgumentException("text must be prose or docs, got '" + text + "'");
    };
    Route route = Route.builder("support").baseline(Variant.builder("v1").client(SimulatedModelClient.builder().build())
        .model("gpt-4o-mini").build()).build();
    call = route.detachedCall(ChatRequest.ofUser(prompt), Subject.of("u"));
  }

  static String docs() {
    try (InputStream in = GuardrailBenchmark.class.getResourceAsStream("langchain4j-docs-64k.md")) {
      if (in == null) {
        throw new IllegalStateException("langchain4j-docs-64k.md is missing from the benchmark jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String ofSize(String unit, int chars) {
    return unit.repeat(chars / unit.length() + 1).substring(0, chars);
  }

  /** The four in turn, each on what the one before passed on, as a route runs its input guardrails. */
  private record AllOf(List<InputGuardrail> all) implements InputGuardrail {
    @Override
    public String name() {
      return "all_four";
    }

    @Override
    public GuardrailResult check(String text, CallContext call) {
      GuardrailResult last = GuardrailResult.pass();
      String current = text;
      for (InputGuardrail g : all) {
        last = g.check(current, call);
        if (last.kind() == GuardrailResult.Kind.REWRITE) {
          current = java.util.Objects.requireNonNull(last.text());
        }
      }
      return last;
    }
  }

  @Benchmark
  public GuardrailResult check() {
    return check.check(prompt, call);
  }
}
