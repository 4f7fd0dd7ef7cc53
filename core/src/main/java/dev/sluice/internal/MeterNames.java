package dev.sluice.internal;

/** Meter and tag names. Model-call meters follow the OpenTelemetry GenAI semantic conventions. */
public final class MeterNames {

  public static final String OPERATION_DURATION = "gen_ai.client.operation.duration";
  public static final String TOKEN_USAGE = "gen_ai.client.token.usage";
  /** A streamed attempt: from sending the request to its first chunk (GenAI client conventions for streams). */
  public static final String TIME_TO_FIRST_CHUNK = "gen_ai.client.operation.time_to_first_chunk";
  /** A streamed attempt: the time between one chunk and the next. */
  public static final String TIME_PER_OUTPUT_CHUNK = "gen_ai.client.operation.time_per_output_chunk";
  public static final String OPERATION_NAME = "gen_ai.operation.name";
  public static final String PROVIDER_NAME = "gen_ai.provider.name";
  public static final String REQUEST_MODEL = "gen_ai.request.model";
  public static final String RESPONSE_MODEL = "gen_ai.response.model";
  public static final String TOKEN_TYPE = "gen_ai.token.type";
  public static final String ERROR_TYPE = "error.type";
  public static final String SERVER_ADDRESS = "server.address";
  public static final String SERVER_PORT = "server.port";
  public static final String REQUEST_STREAM = "gen_ai.request.stream";
  public static final String REQUEST_MAX_TOKENS = "gen_ai.request.max_tokens";
  public static final String REQUEST_TEMPERATURE = "gen_ai.request.temperature";
  public static final String REQUEST_TOP_P = "gen_ai.request.top_p";
  public static final String REQUEST_SEED = "gen_ai.request.seed";
  public static final String RESPONSE_FINISH_REASONS = "gen_ai.response.finish_reasons";
  public static final String USAGE_INPUT_TOKENS = "gen_ai.usage.input_tokens";
  public static final String USAGE_OUTPUT_TOKENS = "gen_ai.usage.output_tokens";

  public static final String CALLS = "sluice.calls";
  public static final String CALL_DURATION = "sluice.call.duration";
  public static final String COST = "sluice.cost";
  public static final String COST_UNKNOWN = "sluice.cost.unknown";

  public static final String ROUTE = "route";
  public static final String VARIANT = "variant";
  public static final String OUTCOME = "outcome";
  public static final String FALLBACK = "fallback";

  /** Tag value for an absent label, fallback or error. */
  public static final String NONE = "none";

  private MeterNames() {}
}
