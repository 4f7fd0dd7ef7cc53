package dev.sluice.rollout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.outcome.InvalidConfigurationException;
import dev.sluice.model.ChatMessage;
import dev.sluice.model.ToolCall;
import dev.sluice.model.ChatRequest;
import dev.sluice.model.Role;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * One case of a golden set: input messages and the checks an answer must pass. Golden sets are
 * JSON Lines, one case a line:
 *
 * <pre>{@code
 * {"id": "reset-1", "messages": [{"role": "user", "content": "How do I reset my password?"}],
 *  "checks": {"contains": ["Settings"], "regex": "(?i)password", "max_tokens": 300, "max_latency_ms": 4000}}
 * {"id": "ticket-json", "messages": [...], "checks": {"json_schema": {"type": "object", "required": ["answer"]}}}
 * }</pre>
 *
 * @param id the case's id
 * @param request the request to send
 * @param exact the answer must equal this, or null
 * @param contains texts the answer must contain
 * @param regex a pattern the answer must match somewhere, or null
 * @param jsonSchema a JSON Schema the answer must satisfy, or null
 * @param maxTokens the most output tokens allowed, or 0
 * @param maxLatencyMs the most milliseconds allowed, or 0
 */
public record GoldenCase(String id, ChatRequest request, @Nullable String exact, List<String> contains, @Nullable String regex,
    @Nullable String jsonSchema, long maxTokens, long maxLatencyMs) {

  private static final ObjectMapper JSON = new ObjectMapper();

  public GoldenCase {
    contains = List.copyOf(contains);
  }

  /** Reads a golden set in JSON Lines; blank lines are skipped; a bad line fails naming its number and field. */
  public static List<GoldenCase> readJsonl(InputStream in) throws IOException {
    List<GoldenCase> cases = new ArrayList<>();
    BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    String line;
    int n = 0;
    while ((line = r.readLine()) != null) {
      n++;
      if (line.isBlank()) {
        continue;
      }
      cases.add(parse(JSON.readTree(line), "line " + n));
    }
    return cases;
  }

  static GoldenCase parse(JsonNode n, String where) {
    String id = n.path("id").asText(where);
    JsonNode messages = n.path("messages");
    if (!messages.isArray() || messages.isEmpty()) {
      throw new InvalidConfigurationException(where + ".messages", "a non-empty list of {role, content}");
    }
    ChatRequest.Builder b = ChatRequest.builder();
    for (JsonNode m : messages) {
      String role = m.path("role").asText("user").toUpperCase(Locale.ROOT);
      Role r;
      try {
        r = Role.valueOf(role);
      } catch (IllegalArgumentException e) {
        throw new InvalidConfigurationException(where + ".messages.role", role.toLowerCase(Locale.ROOT), "system, user, assistant or tool");
      }
      List<ToolCall> calls = new ArrayList<>();
      for (JsonNode c : m.path("tool_calls")) {
        calls.add(new ToolCall(c.path("id").asText(""), c.path("function").path("name").asText(""),
            c.path("function").path("arguments").asText("")));
      }
      String toolCallId = m.path("tool_call_id").isTextual() ? m.path("tool_call_id").asText() : null;
      try {
        b.message(new ChatMessage(r, m.path("content").asText(""), toolCallId, calls));
      } catch (IllegalArgumentException e) {
        throw new InvalidConfigurationException(where + ".messages", String.valueOf(e.getMessage()));
      }
    }
    JsonNode c = n.path("checks");
    List<String> contains = new ArrayList<>();
    c.path("contains").forEach(x -> contains.add(x.asText()));
    return new GoldenCase(id, b.build(),
        c.has("exact") ? c.get("exact").asText() : null,
        contains,
        c.has("regex") ? c.get("regex").asText() : null,
        c.has("json_schema") ? c.get("json_schema").toString() : null,
        c.path("max_tokens").asLong(0),
        c.path("max_latency_ms").asLong(0));
  }
}
