package dev.sluice.release;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Invariants of prompt templates over generated text: what is not a variable is text, as written. */
class PromptTemplateProperties {

  /** Text pieces that may hold braces, but never a variable. */
  @Provide
  Arbitrary<List<String>> pieces() {
    Arbitrary<String> literal = Arbitraries.strings().withChars("ab {}.!\n9-").ofMaxLength(12)
        .filter(t -> PromptTemplate.of(t).isConstant() && !t.endsWith("{") && !t.startsWith("}"));
    return literal.list().ofMinSize(1).ofMaxSize(8);
  }

  @Provide
  Arbitrary<List<String>> names() {
    return Arbitraries.strings().withCharRange('a', 'e').ofMinLength(1).ofMaxLength(4).list().ofMinSize(0).ofMaxSize(7);
  }

  @Property(tries = 500)
  void renderingReplacesEachVariableByItsValueAndKeepsEverythingElse(@ForAll("pieces") List<String> text,
      @ForAll("names") List<String> names) {
    StringBuilder template = new StringBuilder();
    StringBuilder expected = new StringBuilder();
    Map<String, String> values = new HashMap<>();
    List<String> used = new ArrayList<>();
    for (int i = 0; i < text.size(); i++) {
      template.append(text.get(i));
      expected.append(text.get(i));
      if (i < names.size()) {
        String name = names.get(i);
        // Values may look like templates: they are inserted, never read again.
        String value = "{{" + name + "}}=" + i;
        values.putIfAbsent(name, value);
        template.append("{{ ").append(name).append(" }}");
        expected.append(values.get(name));
        used.add(name);
      }
    }
    PromptTemplate t = PromptTemplate.of(template.toString());
    assertThat(t.variables()).containsExactlyInAnyOrderElementsOf(new java.util.LinkedHashSet<>(used));
    assertThat(t.render(values::get)).isEqualTo(expected.toString());
    assertThat(t.text()).isEqualTo(template.toString());
  }

  @Property(tries = 300)
  void aTemplateWithoutVariablesRendersAsWritten(@ForAll("pieces") List<String> text) {
    String written = String.join("", text);
    PromptTemplate t = PromptTemplate.of(written);
    if (t.isConstant()) {
      assertThat(t.render(name -> null)).isEqualTo(written);
    }
  }
}
