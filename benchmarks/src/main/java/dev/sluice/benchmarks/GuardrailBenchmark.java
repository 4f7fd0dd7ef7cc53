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

/** Each default input guardrail alone on the same 1 KB prompt the call benchmark uses. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class GuardrailBenchmark {

  @Param({"invisible_text", "pii", "secrets", "prompt_injection"})
  public String guardrail;

  /** The prompt's size in KB: the 1 KB support message, repeated (growth with size is what to watch). */
  @Param({"1"})
  public int kilobytes;

  private InputGuardrail check;
  private String text;
  private CallContext call;

  @Setup
  public void setUp() {
    check = Map.<String, InputGuardrail>of("invisible_text", new InvisibleText(), "pii", Pii.redacting(), "secrets", Secrets.redacting(),
        "prompt_injection", new PromptInjection()).get(guardrail);
    text = CallOverheadBenchmark.kilobytePrompt().repeat(kilobytes);
    Route route = Route.builder("support").baseline(Variant.builder("v1").client(SimulatedModelClient.builder().build())
        .model("gpt-4o-mini").build()).build();
    call = route.detachedCall(ChatRequest.ofUser(text), Subject.of("u"));
  }

  @Benchmark
  public GuardrailResult check() {
    return check.check(text, call);
  }
}
