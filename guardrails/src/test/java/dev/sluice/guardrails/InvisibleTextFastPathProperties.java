package dev.sluice.guardrails;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Route;
import dev.sluice.pipeline.CallContext;
import dev.sluice.guardrail.GuardrailResult;
import dev.sluice.model.ChatRequest;
import dev.sluice.release.Variant;
import dev.sluice.simulated.SimulatedModelClient;
import dev.sluice.subject.Subject;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.StringLength;

/** The fast path (text below U+00A0 passes after one scan) decides exactly as the full NFKC check does. */
class InvisibleTextFastPathProperties {

  static final CallContext CALL = Route.builder("r").baseline(Variant.builder("v1").client(SimulatedModelClient.builder().build())
      .model("gpt-4o-mini").build()).build().detachedCall(ChatRequest.ofUser("x"), Subject.of("u"));

  static void sameAsTheFullCheck(String text) {
    for (InvisibleText guardrail : new InvisibleText[] {new InvisibleText(), InvisibleText.blocking()}) {
      GuardrailResult fast = guardrail.check(text, CALL);
      GuardrailResult full = guardrail.checkNormalized(text);
      assertThat(fast.kind()).isEqualTo(full.kind());
      assertThat(fast.reason()).isEqualTo(full.reason());
      assertThat(fast.text()).isEqualTo(full.text());
    }
  }

  @Property(tries = 500)
  void belowNbspTheFastPathAgreesWithTheFullCheck(@ForAll @CharRange(from = 0, to = 0x9F) @StringLength(max = 300) String text) {
    sameAsTheFullCheck(text);
  }

  @Property(tries = 500)
  void withAnyCharacterTheResultIsTheFullChecks(@ForAll @StringLength(max = 300) String text) {
    sameAsTheFullCheck(text);
  }

  @Property(tries = 300)
  void withInvisibleCharactersMixedInTheResultIsTheFullChecks(@ForAll @CharRange(from = 0x20, to = 0x7E) @StringLength(max = 100) String a,
      @ForAll @CharRange(from = 0x200B, to = 0x200F) char invisible, @ForAll @CharRange(from = 0x20, to = 0x7E) @StringLength(max = 100) String b) {
    sameAsTheFullCheck(a + invisible + b);
  }
}
