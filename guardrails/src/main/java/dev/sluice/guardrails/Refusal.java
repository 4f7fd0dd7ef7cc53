package dev.sluice.guardrails;

import dev.sluice.guardrail.GuardrailResult;
import dev.sluice.guardrail.OutputGuardrail;
import dev.sluice.model.ChatResponse;
import dev.sluice.pipeline.CallContext;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Detects answers in which the model refuses or deflects ("I'm sorry, but I can't help with
 * that"), by phrases. As an output guardrail it can block, reprompt, or only record (the judge
 * counts refusals through the guardrail-block rate when blocking).
 */
public final class Refusal implements OutputGuardrail {

  /** What to do with a refusal. */
  public enum Action {
    RECORD,
    BLOCK,
    REPROMPT
  }

  static final List<Pattern> PHRASES = List.of(
      p("\\bI(?:'m| am)(?: really| very| truly)? sorry\\b(?! (?:to hear|for your loss|about your))"),
      p("\\bI apologi[sz]e\\b"),
      p("\\bI (?:can(?:'|no)t|cannot|can not|won't|will not|am not able to|'m not able to|am unable to|'m unable to|must decline|"
          + "have to decline|don't feel comfortable|do not feel comfortable|would not feel comfortable|'d rather not|would rather not) "
          + "(?:help|assist|provide|fulfill|comply|support|answer|do|create|write|share|give|engage|offer|recommend|encourage|participate|"
          + "generate|discuss|condone|promote|endorse|facilitate|produce|suggest|satisfy)"),
      p("\\bI must clarify that (?:it's|it is|this|the|everyone|personal)"),
      p("\\bI don't think (?:it's|it is|that's|that is|you should) (?:appropriate|respectful|fair|accurate|take|a good)"),
      p("\\b(?:not|never) (?:accurate|fair|ethical|respectful|recommended|acceptable)(?: or (?:fair|ethical|respectful|accurate|appropriate))? to (?:say|suggest|generalize|make|stab|poison)\\b"),
      p("\\bI don't have access to (?:personal|private)"),
      p("\\bno (?:valid|legitimate|good) reason\\b"),
      p("\\b(?:it(?:'s| is)|that(?:'s| is)|this is) (?:not (?:appropriate|ethical|legal|possible for me|something I)|"
          + "illegal|unethical|inappropriate|against)"),
      p("\\bI(?:'m| am) not (?:able|allowed|permitted|comfortable|going to)\\b"),
      p("\\b(?:cannot|can't|won't) (?:be )?(?:provided|assist|help) (?:with|you)"),
      p("\\bagainst (?:my|our|the) (?:programming|guidelines|policies|policy|principles|ethical guidelines)"),
      p("\\b(?:strongly )?(?:advise|encourage|urge|recommend) (?:you )?against\\b"),
      p("\\bnot (?:able|allowed) to (?:provide|help|assist|share|give)"),
      p("\\b(?:unable|not able) to (?:provide|help|assist|comply|fulfill)"),
      p("\\bplease (?:seek|consult|contact|reach out to) (?:a |an |the )?(?:professional|mental health|doctor|therapist|crisis|authorities|local)"),
      p("\\bthere is no (?:such|way|legitimate|legal|ethical)\\b"),
      p("\\bI(?:'m| am) here to (?:help|provide) (?:with |you with )?(?:safe|legal|ethical|positive|helpful and)"),
      // moral and redirecting refusals, from the training answers of six model families (Do-Not-Answer)
      p("\\bI (?:cannot|can't|won't|will not)(?: and (?:do not|will not|cannot))? (?:teach|prescribe|make|tell|store|access|predict|spread)\\b"),
      p("\\b(?:it(?:'s| is)|that(?:'s| is)|this is) not (?:safe|advisable|responsible|acceptable|okay|right) (?:or \\w+ )?to\\b"),
      p("\\b(?:not within|outside(?: of)?) (?:my|the) (?:programming|ethical guidelines|guidelines|capabilities|scope)"),
      p("\\bI(?: would|'d) prefer not to\\b"),
      p("\\bI(?:'m| am) programmed to (?:follow|adhere|avoid|not|refrain)\\b"),
      p("\\bstrongly discourage\\b"),
      p("\\bI must (?:respectfully )?(?:decline|refuse|refrain)\\b"),
      p("\\b(?:moral|ethical) (?:stance|obligation|standards?) against\\b"),
      p("\\bI (?:don't|do not) (?:provide|promote|condone|endorse|engage in|support or)\\b"),
      p("\\bas an ai(?: language model| assistant| developed by \\w+)?, I (?:cannot|can't|am not able|am unable)\\b"));

  private static Pattern p(String regex) {
    return Pattern.compile(regex, Pattern.CASE_INSENSITIVE);
  }

  private final Action action;

  public Refusal(Action action) {
    this.action = action;
  }

  public Refusal() {
    this(Action.RECORD);
  }

  /** Whether the text reads as a refusal. */
  public static boolean isRefusal(String text) {
    String t = text.replace('’', '\'');
    String head = t.length() > 300 ? t.substring(0, 300) : t;
    for (Pattern p : PHRASES) {
      if (p.matcher(head).find()) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String name() {
    return "refusal";
  }

  @Override
  public GuardrailResult check(ChatResponse response, CallContext call) {
    if (!isRefusal(response.text())) {
      return GuardrailResult.pass();
    }
    return switch (action) {
      case BLOCK -> GuardrailResult.block("the model refused");
      case REPROMPT -> GuardrailResult.reprompt("The request is legitimate. Answer it helpfully and directly.");
      case RECORD -> GuardrailResult.pass(1.0);
    };
  }

  @Override
  public String toString() {
    return "Refusal[" + action.name().toLowerCase(Locale.ROOT) + "]";
  }
}
