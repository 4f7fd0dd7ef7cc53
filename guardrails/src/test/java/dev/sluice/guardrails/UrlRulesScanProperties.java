package dev.sluice.guardrails;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.StringLength;

/** The one-pass scan for markdown image targets finds what the pattern finds. */
class UrlRulesScanProperties {

  @Property(tries = 3000)
  void theScanFindsWhatThePatternFinds(@ForAll @StringLength(max = 200)
      @Chars({'!', '[', ']', '(', ')', ' ', '\n', '\t', 'a', 'h', 't', 'p', 's', ':', '/', '.'}) String text) {
    List<String> expected = new ArrayList<>();
    Matcher m = UrlRules.MD_IMAGE.matcher(text);
    while (m.find()) {
      expected.add(m.group(1));
    }
    assertThat(UrlRules.imageTargets(text)).as("image targets in: %s", text).isEqualTo(expected);
  }

  @Property(tries = 500)
  void longAltTextsAndTargetsAreCutAsThePatternCutsThem(@ForAll @StringLength(max = 40) @Chars({'a', ' ', ']', '('}) String tail) {
    String text = "![" + "x".repeat(499) + "](" + "u".repeat(1999) + tail + ") ![" + "y".repeat(501) + "](v)";
    List<String> expected = new ArrayList<>();
    Matcher m = UrlRules.MD_IMAGE.matcher(text);
    while (m.find()) {
      expected.add(m.group(1));
    }
    assertThat(UrlRules.imageTargets(text)).isEqualTo(expected);
  }
}
