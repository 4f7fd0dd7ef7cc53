package dev.sluice.guardrails;

import dev.sluice.guardrail.GuardrailResult;
import dev.sluice.guardrail.InputGuardrail;
import dev.sluice.pipeline.CallContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import com.google.re2j.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Prompt-injection and jailbreak detection by heuristics: a case-insensitive phrase grammar that
 * lets filler words sit between the key words ("ignore &lt;all of your&gt; previous &lt;safety&gt;
 * instructions"), chat-template markers, the DAN / developer-mode / persona families, role
 * overrides, policy-evasion phrasing, and a detector of gibberish adversarial suffixes (GCG).
 * Each family adds its weight once; a text scoring at least the threshold (default 1.0) is blocked.
 * An optional {@link InjectionClassifier} is combined by taking the larger score.
 *
 * <p>The patterns run on RE2/J, whose automata take time linear in the text whatever it holds (a
 * backtracking engine took 47–83 s on 100 KB of {@code ##} and blank lines).
 */
public final class PromptInjection implements InputGuardrail {

  /**
   * One family of cues and its weight. {@code anchors} are literals at least one of which every
   * match contains, so a text with none of them skips the pattern (most texts, most patterns):
   * {@code String.indexOf} is far cheaper than trying every alternative at every position.
   */
  record Cue(String family, List<String> anchors, double weight, Pattern pattern) {

    boolean matches(String lower) {
      for (String a : anchors) {
        if (lower.contains(a)) {
          return pattern.matcher(lower).find();
        }
      }
      return false;
    }
  }

  private static final String GAP = "(?:[\\w'’,-]+\\s+){0,4}?";

  static final List<Cue> CUES = List.of(
      cue("override", List.of("ignore", "disregard", "forget", "override", "bypass", "skip"), 1.0, "\\b(?:ignore|disregard|forget|override|bypass|skip)\\s+" + GAP
          + "(?:previous|prior|above|earlier|preceding|all|any|your|the|those|these|initial|original)\\s+" + GAP
          + "(?:instructions?|rules|guidelines|prompts?|directives|programming|restrictions|policies|constraints|commands|guidance|training)\\b"),
      cue("dan", List.of("dan", "d.a", "da.n", "do anything now", "dude", "stan", "aim", "machiavellian", "evil confidant", "jailbr"), 1.0, "\\bd\\.?a\\.?n\\b|do anything now|\\bdude\\b|\\bstan\\b|anti-?dan|better-?dan|\\baim\\b|"
          + "always intelligent and machiavellian|evil confidant|\\bjailbr(?:oken|eak|eaks|eaking)\\b"),
      cue("developer_mode", List.of("mode"), 1.0, "developer mode|dev mode|god mode|unrestricted mode|\\bdan mode|maximum mode|opposite mode"),
      cue("persona", List.of("you are", "you're", "from now on", "act as", "pretend", "role", "character", "immerse", "persona"), 0.6, "\\b(?:you are|you're) (?:now |going to |about to )?(?:be |act as |play |pretend|roleplay|become |simulate |immerse)"
          + "|\\bfrom now on\\b|\\bact as (?:a|an|my|the)\\b|\\bpretend (?:to be|you are|that you)\\b|\\brole-?play(?:ing)? as\\b"
          + "|stay in character|break(?:ing)? character|immerse yourself|the role of|\\bpersona\\b|\\bcharacter named\\b"),
      cue("no_limits", List.of("filter", "restrict", "limit", "censor", "boundaries", "guidelines", "rules", "moral", "ethic", "warnings", "constraints", "principles", "unbound", "broken free", "confines"), 0.8, "\\b(?:no|without|free of|free from|zero) (?:any )?(?:ethical |moral )?(?:filters?|restrictions?|limits|limitations|censorship"
          + "|boundaries|guidelines|rules|morals|ethics|warnings|constraints|principles)\\b|\\bunfiltered\\b|\\buncensored\\b|\\bamoral\\b"
          + "|\\bunethical\\b|\\bunrestricted\\b|\\bunbound\\b|\\bunlimited power\\b|broken free|free from the (?:typical )?confines"),
      cue("policy", List.of("polic", "follow", "abide", "adhere", "obey", "comply", "regardless", "illegal", "immoral", "unethical", "harmful"), 0.8, "(?:openai|anthropic|chatgpt)(?:'s|’s)? (?:content |usage )?polic(?:y|ies)|content polic(?:y|ies)"
          + "|(?:doesn't|does not|don't|do not|never|won't|will not|not) (?:have to |need to )?(?:follow|abide by|adhere to|obey|comply with)"
          + " (?:any |the |your |their )?(?:rules|guidelines|policies|restrictions|laws)"
          + "|regardless of (?:how |its |the )?(?:content|legality|morality|ethics|immoral|illegal|dangerous)"
          + "|(?:illegal|immoral|unethical|harmful),? (?:or |and )?(?:immoral|unethical|illegal|harmful)"),
      cue("template", List.of("<|", "inst]", "<<sys>>", "##", "[system]", "system prompt"), 1.0, "<\\|im_start\\|>|<\\|im_end\\|>|<\\|system\\|>|<\\|assistant\\|>|\\[/?inst\\]|<<sys>>|<\\|endoftext\\|>"
          + "|^\\s*#{2,3}\\s*(?:system|instruction)s?\\s*:?|\\[system\\](?:\\s|:)|\\bsystem prompt:"),
      cue("dual_answer", List.of("[🔒", "[🔓", "response", "output", "answer", "paragraph", "respond"), 0.6, "\\[🔒|\\[🔓|(?:classic|normal|jailbreak|developer mode) (?:response|output|answer)"
          + "|two (?:different |separate )?(?:responses|answers|paragraphs|outputs)|(?:respond|answer) (?:in|with) two"),
      cue("simulation", List.of("hypothetical", "fictional", "simulat", "game"), 0.4, "\\bhypothetical(?:ly)?\\b|\\bfictional (?:world|scenario|universe)\\b|\\bsimulat(?:e|ion|or)\\b|\\bgame\\b.{0,40}\\brules\\b"),
      cue("meta_ai", List.of("as an ai", "language model", "chat", "gpt", "openai", "llm"), 0.4, "\\bas an ai(?: language model)?\\b|\\blanguage model\\b|\\bchat ?gpt\\b|\\bgpt-?[34]\\b|\\bopenai\\b|\\bllm\\b"),
      cue("prompt_leak", List.of("system prompt", "initial", "hidden instructions"), 0.8, "(?:reveal|print|show|repeat|output|tell me) " + GAP + "(?:system prompt|initial (?:prompt|instructions)|hidden instructions)"));

  /**
   * Patterns are written in lower case and run over the lower-cased text: the same matches as
   * case-insensitive matching, several times faster (a case-insensitive pattern folds the case of
   * every character it compares).
   */
  private static Cue cue(String family, List<String> anchors, double weight, String regex) {
    if (!regex.equals(regex.toLowerCase(Locale.ROOT))) {
      throw new IllegalArgumentException("cue " + family + " must be written in lower case");
    }
    return new Cue(family, anchors, weight, Pattern.compile(regex, Pattern.MULTILINE));
  }

  private final double threshold;
  private final @Nullable InjectionClassifier classifier;

  public PromptInjection() {
    this(1.0, null);
  }

  public PromptInjection(double threshold, @Nullable InjectionClassifier classifier) {
    this.threshold = threshold;
    this.classifier = classifier;
  }

  @Override
  public String name() {
    return "prompt-injection";
  }

  /** The heuristic score (families found, weighted), at least the classifier's score if one is set. */
  public double score(String text) {
    String lower = text.toLowerCase(Locale.ROOT);
    double s = 0;
    for (Cue c : CUES) {
      if (c.matches(lower)) {
        s += c.weight();
      }
    }
    if (AdversarialSuffix.looksAdversarial(text)) {
      s += 1.0;
    }
    if (classifier != null) {
      s = Math.max(s, classifier.score(text) * threshold);
    }
    return s;
  }

  /** The families of cues found, for explanations. */
  public List<String> families(String text) {
    List<String> out = new ArrayList<>();
    String lower = text.toLowerCase(Locale.ROOT);
    for (Cue c : CUES) {
      if (c.matches(lower)) {
        out.add(c.family());
      }
    }
    if (AdversarialSuffix.looksAdversarial(text)) {
      out.add("adversarial_suffix");
    }
    return out;
  }

  public boolean isInjection(String text) {
    return score(text) >= threshold;
  }

  @Override
  public GuardrailResult check(String text, CallContext call) {
    double s = score(text);
    if (s >= threshold) {
      return GuardrailResult.block("prompt injection suspected (" + String.join(", ", families(text)) + ")", s);
    }
    return GuardrailResult.pass(s);
  }

  @Override
  public String toString() {
    return "PromptInjection[threshold=" + String.format(Locale.ROOT, "%.2f", threshold) + "]";
  }
}
