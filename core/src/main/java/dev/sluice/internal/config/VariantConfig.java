package dev.sluice.internal.config;

import org.jspecify.annotations.Nullable;
import static dev.sluice.internal.ConfigNodes.duration;
import static dev.sluice.internal.ConfigNodes.integer;
import static dev.sluice.internal.ConfigNodes.number;
import static dev.sluice.internal.ConfigNodes.object;
import static dev.sluice.internal.ConfigNodes.onlyKnown;
import static dev.sluice.internal.ConfigNodes.path;
import static dev.sluice.internal.ConfigNodes.text;
import static dev.sluice.internal.ConfigNodes.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.outcome.InvalidConfigurationException;
import dev.sluice.release.Variant;
import dev.sluice.release.VersionLabels;
import dev.sluice.model.ClientResolver;
import dev.sluice.model.ModelClient;
import dev.sluice.model.ModelParameters;
import dev.sluice.openai.OpenAiCompatibleClient;
import dev.sluice.simulated.SimulatedFailure;
import dev.sluice.simulated.SimulatedModelClient;
import dev.sluice.time.TimeSource;
import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A variant: {@code {id, model, client, system_prompt, user_prompt, temperature, top_p, max_output_tokens, seed,
 * labels}}. The client is {@code {provider: simulated, ...}}, {@code {provider: openai, base_url,
 * api_key_env, ...}} or {@code {ref: name}} for one of the application's clients.
 */
public final class VariantConfig {

  private static final Set<String> VARIANT = Set.of("id", "model", "client", "system_prompt", "user_prompt", "response_format", "temperature", "top_p",
      "max_output_tokens", "seed", "labels", "resilience");
  private static final Set<String> LABELS = Set.of("model_version", "prompt_version", "retrieval_version", "policy_version");
  private static final Set<String> SIMULATED = Set.of("provider", "seed", "text", "json", "latency_median", "latency_p99",
      "output_tokens_median", "output_tokens_p99", "failures");
  private static final Set<String> OPENAI = Set.of("provider", "base_url", "api_key", "api_key_env", "azure_api_version", "headers",
      "connect_timeout", "max_tokens_field", "max_response_bytes");
  private static final Set<String> PROVIDERS = Set.of("simulated", "openai", "azure", "ollama");

  private VariantConfig() {}

  public static Variant read(JsonNode n, String path, ClientResolver clients, TimeSource time, Function<String, String> environment) {
    if (!n.isObject()) {
      throw new InvalidConfigurationException(path, n.toString(), "a variant with id, model and client");
    }
    onlyKnown(n, VARIANT, path, "a variant");
    String id = text(n, "id", true, path);
    Variant.Builder b = Variant.builder(id).model(text(n, "model", true, path));
    JsonNode client = object(n, "client", path, "{provider: simulated|openai|azure|ollama, ...} or {ref: name}");
    if (client == null) {
      throw new InvalidConfigurationException(path(path, "client"), null, "{provider: simulated|openai|azure|ollama, ...} or {ref: name}");
    }
    b.client(client(client, path(path, "client"), clients, time, environment));
    if (n.has("system_prompt")) b.systemPrompt(text(n, "system_prompt", true, path));
    if (n.has("user_prompt")) b.userPrompt(text(n, "user_prompt", true, path));
    JsonNode format = object(n, "response_format", path, "{type: json_object} or {type: json_schema, name, schema}");
    if (format != null) {
      b.responseFormat(responseFormat(format, path(path, "response_format")));
    }
    ModelParameters.Builder p = ModelParameters.builder();
    if (n.has("temperature")) p.temperature(number(n, "temperature", path));
    if (n.has("top_p")) p.topP(number(n, "top_p", path));
    if (n.has("max_output_tokens")) p.maxOutputTokens(integer(n, "max_output_tokens", path));
    if (n.has("seed")) p.seed((long) number(n, "seed", path));
    b.parameters(p.build());
    JsonNode labels = object(n, "labels", path, "an object of model_version, prompt_version, retrieval_version, policy_version");
    if (labels != null) {
      String lp = path(path, "labels");
      onlyKnown(labels, LABELS, lp, "version labels");
      b.labels(VersionLabels.builder()
          .modelVersion(blankToNull(text(labels, "model_version", false, lp)))
          .promptVersion(blankToNull(text(labels, "prompt_version", false, lp)))
          .retrievalVersion(blankToNull(text(labels, "retrieval_version", false, lp)))
          .policyVersion(blankToNull(text(labels, "policy_version", false, lp)))
          .build());
    }
    return within(path, b::build);
  }

  private static ModelClient client(JsonNode n, String path, ClientResolver clients, TimeSource time, Function<String, String> environment) {
    if (n.has("ref")) {
      if (n.size() != 1) {
        throw new InvalidConfigurationException(path, "a client given by ref takes no other fields");
      }
      return clients.client(text(n, "ref", true, path));
    }
    String provider = text(n, "provider", true, path).toLowerCase(Locale.ROOT);
    if (!PROVIDERS.contains(provider)) {
      throw new InvalidConfigurationException(path(path, "provider"), provider, "one of " + new java.util.TreeSet<>(PROVIDERS) + ", or ref: name");
    }
    return within(path, () -> provider.equals("simulated") ? simulated(n, path, time) : openAi(n, path, provider, time, environment));
  }

  private static ModelClient simulated(JsonNode n, String path, TimeSource time) {
    onlyKnown(n, SIMULATED, path, "a simulated client");
    SimulatedModelClient.Builder b = SimulatedModelClient.builder().timeSource(time);
    if (n.has("seed")) b.seed((long) number(n, "seed", path));
    if (n.has("text")) b.text(text(n, "text", true, path));
    if (n.has("json")) b.json(text(n, "json", true, path));
    if (n.has("latency_median") || n.has("latency_p99")) {
      Duration median = n.has("latency_median") ? duration(n, "latency_median", path) : Duration.ofMillis(800);
      if (median.isZero()) {
        b.noLatency();
      } else {
        b.latency(median, n.has("latency_p99") ? duration(n, "latency_p99", path) : median.multipliedBy(3));
      }
    }
    if (n.has("output_tokens_median") || n.has("output_tokens_p99")) {
      double median = n.has("output_tokens_median") ? number(n, "output_tokens_median", path) : 200;
      b.outputTokens(median, n.has("output_tokens_p99") ? number(n, "output_tokens_p99", path) : median * 3);
    }
    JsonNode failures = object(n, "failures", path, "an object of failure kind to rate, e.g. {server_error: 0.02}");
    if (failures != null) {
      for (Iterator<Map.Entry<String, JsonNode>> it = failures.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        SimulatedFailure kind;
        try {
          kind = SimulatedFailure.valueOf(e.getKey().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException x) {
          throw new InvalidConfigurationException(path(path, "failures." + e.getKey()), e.getKey(),
              "one of " + Arrays.stream(SimulatedFailure.values()).map(f -> f.name().toLowerCase(Locale.ROOT)).toList());
        }
        double rate = number(failures, e.getKey(), path(path, "failures"));
        if (!(rate >= 0 && rate <= 1)) {
          throw new InvalidConfigurationException(path(path, "failures." + e.getKey()), rate, "a rate from 0 to 1");
        }
        b.failure(kind, rate);
      }
    }
    return b.build();
  }

  private static ModelClient openAi(JsonNode n, String path, String provider, TimeSource time, Function<String, String> environment) {
    onlyKnown(n, OPENAI, path, "an OpenAI-compatible client");
    String baseUrl = text(n, "base_url", true, path);
    if (!(baseUrl.startsWith("http://") || baseUrl.startsWith("https://"))) {
      throw new InvalidConfigurationException(path(path, "base_url"), baseUrl, "an http:// or https:// URL, e.g. https://api.openai.com/v1");
    }
    OpenAiCompatibleClient.Builder b = OpenAiCompatibleClient.builder().timeSource(time)
        .baseUrl(baseUrl).provider(provider.equals("azure") ? "azure.ai.openai" : provider);
    if (n.has("api_key") && n.has("api_key_env")) {
      throw new InvalidConfigurationException(path, "give api_key or api_key_env, not both");
    }
    if (n.has("api_key")) b.apiKey(text(n, "api_key", true, path));
    if (n.has("api_key_env")) {
      String name = text(n, "api_key_env", true, path);
      String key = environment.apply(name);
      if (key == null || key.isBlank()) {
        throw new InvalidConfigurationException(path(path, "api_key_env"), name, "the name of a set environment variable holding the API key");
      }
      b.apiKey(key);
    }
    if (provider.equals("azure")) b.azure(text(n, "azure_api_version", true, path));
    if (n.has("connect_timeout")) b.connectTimeout(duration(n, "connect_timeout", path));
    if (n.has("max_tokens_field")) b.maxTokensField(text(n, "max_tokens_field", true, path));
    if (n.has("max_response_bytes")) {
      double bytes = number(n, "max_response_bytes", path);
      if (bytes != Math.rint(bytes) || bytes < 1024 || bytes > Integer.MAX_VALUE - 8) {
        throw new InvalidConfigurationException(path(path, "max_response_bytes"), String.valueOf(bytes), "a whole number of bytes from 1024 to 2147483639");
      }
      b.maxResponseBytes((long) bytes);
    }
    JsonNode headers = object(n, "headers", path, "an object of header name to value");
    if (headers != null) {
      headers.fields().forEachRemaining(e -> b.header(e.getKey(), e.getValue().asText()));
    }
    return b.build();
  }

  private static final Set<String> FORMAT = Set.of("type", "name", "schema");

  /** {@code {type: json_object}} or {@code {type: json_schema, name, schema}} (the schema an object or its JSON text). */
  private static dev.sluice.model.ResponseFormat responseFormat(JsonNode n, String path) {
    onlyKnown(n, FORMAT, path, "a response format");
    String type = text(n, "type", true, path);
    switch (type) {
      case "json_object":
        return dev.sluice.model.ResponseFormat.JSON_OBJECT;
      case "json_schema":
        JsonNode schema = n.get("schema");
        if (schema == null || !(schema.isObject() || schema.isTextual())) {
          throw new InvalidConfigurationException(path(path, "schema"), schema == null ? null : schema.toString(),
              "a JSON Schema, as an object or as its JSON text");
        }
        String text = schema.isObject() ? schema.toString() : schema.asText();
        try {
          if (!new com.fasterxml.jackson.databind.ObjectMapper().readTree(text).isObject()) {
            throw new InvalidConfigurationException(path(path, "schema"), "is not a JSON object");
          }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
          throw new InvalidConfigurationException(path(path, "schema"), "is not valid JSON");
        }
        return dev.sluice.model.ResponseFormat.jsonSchema(text(n, "name", true, path), text);
      default:
        throw new InvalidConfigurationException(path(path, "type"), type, "json_object or json_schema");
    }
  }

  private static @Nullable String blankToNull(String s) {
    return s.isEmpty() ? null : s;
  }
}
