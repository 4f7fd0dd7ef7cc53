package dev.sluice.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** A bad command line names the option and what it takes, instead of an index or a parse error. */
class CliArgsTest {

  @Test
  void valuesAreReadAfterTheirOption() {
    String[] args = {"--seed", "42", "--out", "dir"};
    assertThat(CliArgs.number(args, 0, 0, 100)).isEqualTo(42);
    assertThat(CliArgs.value(args, 2)).isEqualTo("dir");
  }

  @Test
  void aMissingOrBadValueNamesTheOption() {
    assertThatThrownBy(() -> CliArgs.value(new String[] {"--out"}, 0)).hasMessage("option --out needs a value; try --help");
    assertThatThrownBy(() -> CliArgs.value(new String[] {"--out", "--quick"}, 0)).hasMessageContaining("option --out needs a value");
    assertThatThrownBy(() -> CliArgs.number(new String[] {"--seed", "seven"}, 0, 0, 10))
        .hasMessage("option --seed takes a whole number, got 'seven'");
    assertThatThrownBy(() -> CliArgs.number(new String[] {"--pods", "40"}, 0, 1, 16))
        .hasMessage("option --pods takes a number from 1 to 16, got 40");
    assertThatThrownBy(() -> RolloutDemo.main(new String[] {"--scenario"})).hasMessageContaining("option --scenario needs a value");
    assertThatThrownBy(() -> RolloutDemo.main(new String[] {"--bogus"})).hasMessageContaining("unknown option '--bogus'");
  }
}
