package dev.sluice.guardrails;

/**
 * A model that scores how likely a text is a prompt injection, 0 to 1 (for example an ONNX export
 * of protectai/deberta-v3-base-prompt-injection-v2 run by the application). Plug it into
 * {@link PromptInjection} to combine with the heuristics.
 */
@FunctionalInterface
public interface InjectionClassifier {

  double score(String text);
}
