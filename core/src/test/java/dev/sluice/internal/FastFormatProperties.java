package dev.sluice.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.pricing.Cost;
import java.math.BigDecimal;
import java.time.Instant;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/** The audit event's fast formatting writes exactly what the JDK would. */
class FastFormatProperties {

  @Property(tries = 2000)
  void instantsFormatAsInstantToString(@ForAll @LongRange(min = -62_135_596_800L, max = 253_402_300_799L) long second,
      @ForAll @IntRange(min = 0, max = 999_999_999) int nano, @ForAll boolean roundMillis) {
    Instant i = Instant.ofEpochSecond(second, roundMillis ? nano / 1_000_000 * 1_000_000 : nano);
    assertThat(IsoInstant.format(i)).isEqualTo(i.toString());
    assertThat(IsoInstant.format(i)).as("cached second").isEqualTo(i.toString());
  }

  @Property(tries = 2000)
  void costsFormatAsBigDecimalPlainString(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long nanoUsd) {
    Cost c = Cost.ofUsd(BigDecimal.valueOf(nanoUsd, 9));
    assertThat(c.usdPlain()).isEqualTo(c.usd().toPlainString());
  }
}
