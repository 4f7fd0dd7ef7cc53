package dev.sluice.benchmarks;

import com.sun.net.httpserver.HttpServer;
import dev.sluice.Route;
import dev.sluice.Sluice;
import dev.sluice.guardrail.Guardrails;
import dev.sluice.guardrails.InvisibleText;
import dev.sluice.guardrails.Pii;
import dev.sluice.guardrails.PromptInjection;
import dev.sluice.guardrails.Secrets;
import dev.sluice.model.ChatRequest;
import dev.sluice.model.ModelParameters;
import dev.sluice.openai.OpenAiCompatibleClient;
import dev.sluice.release.Variant;
import dev.sluice.subject.Subject;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * End to end on 127.0.0.1: a mock chat-completions server (answering at once, or after a fixed
 * delay), and a load driver measuring in one run a plain {@code java.net.http} POST, Sluice's
 * OpenAI-compatible client alone, a full Sluice route, and the route with the default input
 * guardrails: calls per second, p50 and p99 latency, and process CPU per call, at each
 * concurrency. Not JMH: a closed-loop driver, threads each making one call after another.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.sluice.benchmarks.EndToEnd --upstream-ms 0 --seconds 5 --rounds 3 --concurrency 1,32 --json e2e.json
 * </pre>
 *
 * With {@code --gateway http://127.0.0.1:8787/v1} it adds a {@code gateway} row: the same blocking
 * POST sent through an AI gateway (Portkey's headers) to the mock server; {@code --gateway-pid}
 * adds the gateway process's CPU to that row's (the other rows' figures then include the idle
 * gateway's, close to nothing). With {@code --serve-only true} it only runs the mock server and prints its base URL; another
 * run with {@code --base-url URL} drives it from a separate process, so the CPU column is the
 * driver's alone. Otherwise the CPU column is the whole process's (the mock server's included, the same for every row), so
 * the difference from the {@code jdk} row is what the client or Sluice adds.
 */
public final class EndToEnd {

  static final String ANSWER = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,"
      + "\"message\":{\"role\":\"assistant\",\"content\":\"Open Settings, then Security, then Reset password.\"},\"finish_reason\":\"stop\"}],"
      + "\"usage\":{\"prompt_tokens\":42,\"completion_tokens\":12,\"total_tokens\":54}}";
  static final String QUESTION = "How do I reset my password? I have tried the link in the e-mail twice and it says expired.";

  /** One way of making a call. */
  interface Caller {
    void call() throws Exception;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new LinkedHashMap<>(Map.of("--upstream-ms", "0", "--seconds", "5", "--warmup", "2", "--rounds", "3",
        "--concurrency", "1,32", "--rows", "jdk,jdk-send,client,client-async,route,route+guardrails"));
    for (int i = 0; i + 1 < args.length; i += 2) {
      opts.put(args[i], args[i + 1]);
    }
    long upstreamMs = Long.parseLong(opts.get("--upstream-ms"));
    int seconds = Integer.parseInt(opts.get("--seconds"));
    int warmup = Integer.parseInt(opts.get("--warmup"));
    int rounds = Integer.parseInt(opts.get("--rounds"));
    int[] concurrencies = Arrays.stream(opts.get("--concurrency").split(",")).mapToInt(Integer::parseInt).toArray();
    List<String> rows = List.of(opts.get("--rows").split(","));

    // Without it the JDK's server writes headers and body in two segments with Nagle on, and every call waits
    // ~40 ms for the client's delayed ACK: the benchmark would measure TCP, not the clients.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    ScheduledExecutorService delays = Executors.newScheduledThreadPool(2);
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 512);
    server.setExecutor(Executors.newFixedThreadPool(8));
    byte[] answer = ANSWER.getBytes(StandardCharsets.UTF_8);
    server.createContext("/v1/chat/completions", exchange -> {
      exchange.getRequestBody().readAllBytes();
      Runnable reply = () -> {
        try {
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, answer.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(answer);
          }
        } catch (IOException e) {
          exchange.close();
        }
      };
      if (upstreamMs == 0) {
        reply.run();
      } else {
        delays.schedule(reply, upstreamMs, TimeUnit.MILLISECONDS);
      }
    });
    server.start();
    String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    if (opts.containsKey("--serve-only")) {
      // The mock server alone, for a driver in another process (--base-url): its CPU is then not the driver's.
      System.out.println(base);
      new java.util.concurrent.CountDownLatch(1).await();
    }
    if (opts.containsKey("--base-url")) {
      server.stop(0);
      base = opts.get("--base-url");
    }

    HttpClient jdk = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    OpenAiCompatibleClient client = OpenAiCompatibleClient.builder().baseUrl(base).apiKey("sk-bench").build();
    ChatRequest request = ChatRequest.builder().model("gpt-4o-mini").user(QUESTION)
        .parameters(ModelParameters.builder().maxOutputTokens(200).build()).build();
    byte[] body = ("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"" + QUESTION
        + "\"}],\"max_completion_tokens\":200}").getBytes(StandardCharsets.UTF_8);
    URI endpoint = URI.create(base + "/chat/completions");
    Sluice plain = route(client, Guardrails.NONE);
    Sluice guarded = route(client, Guardrails.builder()
        .input(Pii.redacting(), Secrets.redacting(), new PromptInjection(), InvisibleText.blocking()).build());

    Map<String, Caller> callers = new LinkedHashMap<>();
    callers.put("jdk", () -> {
      HttpResponse<byte[]> r = jdk.sendAsync(HttpRequest.newBuilder(endpoint).header("Content-Type", "application/json")
          .header("Authorization", "Bearer sk-bench").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
          HttpResponse.BodyHandlers.ofByteArray()).join();
      if (r.statusCode() != 200) {
        throw new IllegalStateException("HTTP " + r.statusCode());
      }
    });
    callers.put("jdk-send", () -> {
      HttpResponse<byte[]> r = jdk.send(HttpRequest.newBuilder(endpoint).header("Content-Type", "application/json")
          .header("Authorization", "Bearer sk-bench").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      if (r.statusCode() != 200) {
        throw new IllegalStateException("HTTP " + r.statusCode());
      }
    });
    if (opts.containsKey("--gateway")) {
      // A gateway hop (e.g. Portkey's, started with npx): the same blocking POST, sent to the gateway, which
      // forwards it to the mock server. Its process's CPU is added when --gateway-pid names it.
      URI viaGateway = URI.create(opts.get("--gateway") + "/chat/completions");
      String upstream = base;
      callers.put("gateway", () -> {
        HttpResponse<byte[]> r = jdk.send(HttpRequest.newBuilder(viaGateway).header("Content-Type", "application/json")
            .header("Authorization", "Bearer sk-bench").header("x-portkey-provider", "openai").header("x-portkey-custom-host", upstream)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
          throw new IllegalStateException("HTTP " + r.statusCode() + " from the gateway");
        }
      });
      gatewayPid = opts.containsKey("--gateway-pid") ? Long.parseLong(opts.get("--gateway-pid")) : -1;
    }
    callers.put("client", () -> client.chatAsync(request).toCompletableFuture().join());
    OpenAiCompatibleClient asyncClient = OpenAiCompatibleClient.builder().baseUrl(base).apiKey("sk-bench").asyncSend(true).build();
    callers.put("client-async", () -> asyncClient.chatAsync(request).toCompletableFuture().join());
    callers.put("route", () -> plain.call("support", ChatRequest.ofUser(QUESTION), subject()));
    callers.put("route+guardrails", () -> guarded.call("support", ChatRequest.ofUser(QUESTION), subject()));

    System.out.printf(Locale.ROOT, "upstream %d ms, %d s measured after %d s warm-up, %d CPUs, Java %s%n", upstreamMs, seconds, warmup,
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
    System.out.printf(Locale.ROOT, "%-18s %5s %10s %9s %9s %12s %14s   (median of %d interleaved rounds)%n", "row", "conc", "calls/s",
        "p50 us", "p99 us", "cpu us/call", "threads/1k", rounds);
    com.fasterxml.jackson.databind.node.ArrayNode json = new com.fasterxml.jackson.databind.ObjectMapper().createArrayNode();
    for (int concurrency : concurrencies) {
      Map<String, List<Result>> results = new LinkedHashMap<>();
      for (int round = 0; round < rounds; round++) {
        for (String row : rows) {
          Caller caller = callers.get(row);
          if (caller == null) {
            throw new IllegalArgumentException("unknown row " + row + "; rows: " + callers.keySet());
          }
          run(caller, concurrency, warmup);
          results.computeIfAbsent(row, k -> new ArrayList<>()).add(run(caller, concurrency, seconds));
        }
      }
      results.forEach((row, rs) -> System.out.printf(Locale.ROOT, "%-18s %5d %10.0f %9.0f %9.0f %12.1f %14.1f%n", row, concurrency,
          median(rs, Result::perSecond), median(rs, Result::p50Micros), median(rs, Result::p99Micros), median(rs, Result::cpuMicrosPerCall),
          median(rs, Result::threadsPerThousandCalls)));
      results.forEach((row, rs) -> {
        var r = json.addObject().put("row", row).put("concurrency", concurrency).put("upstreamMs", upstreamMs)
            .put("callsPerSecond", median(rs, Result::perSecond)).put("p50Micros", median(rs, Result::p50Micros))
            .put("p99Micros", median(rs, Result::p99Micros)).put("cpuMicrosPerCall", median(rs, Result::cpuMicrosPerCall))
            .put("threadsPerThousandCalls", median(rs, Result::threadsPerThousandCalls));
        var each = r.putArray("rounds");
        for (Result x : rs) {
          each.addObject().put("calls", x.calls()).put("seconds", x.seconds()).put("callsPerSecond", x.perSecond())
              .put("p50Micros", x.p50Micros()).put("p99Micros", x.p99Micros()).put("cpuMicrosPerCall", x.cpuMicrosPerCall())
              .put("threadsPerThousandCalls", x.threadsPerThousandCalls());
        }
      });
    }
    if (opts.containsKey("--json")) {
      new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(new java.io.File(opts.get("--json")), json);
    }
    plain.close();
    guarded.close();
    server.stop(0);
    delays.shutdownNow();
    System.exit(0);
  }

  /** The gateway process's CPU (user + system) from /proc, when its pid was given; 0 otherwise. */
  static long gatewayPid = -1;

  static long gatewayCpuNanos() {
    if (gatewayPid < 0) {
      return 0;
    }
    try {
      String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + gatewayPid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14 and 15)
      return ticks * 10_000_000L; // USER_HZ is 100 on Linux
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("cannot read the CPU time of process " + gatewayPid, e);
    }
  }

  static double median(List<Result> results, java.util.function.ToDoubleFunction<Result> f) {
    double[] v = results.stream().mapToDouble(f).sorted().toArray();
    return v[v.length / 2];
  }

  static Subject subject() {
    int user = ThreadLocalRandom.current().nextInt(1024);
    return Subject.builder().routingKey("user-" + user).tenant("tenant-" + (user & 7)).build();
  }

  static Sluice route(OpenAiCompatibleClient client, Guardrails guardrails) {
    return Sluice.builder()
        .route(Route.builder("support").baseline(Variant.builder("v1").client(client).model("gpt-4o-mini")
                .parameters(ModelParameters.builder().maxOutputTokens(200).build()).build())
            .guardrails(guardrails).build())
        .meterRegistry(new SimpleMeterRegistry())
        .auditSink(e -> { })
        .build();
  }

  record Result(long calls, double seconds, long[] latencies, long cpuNanos, long threadsStarted) {
    double threadsPerThousandCalls() {
      return calls == 0 ? 0 : threadsStarted * 1000.0 / calls;
    }

    double perSecond() {
      return calls / seconds;
    }

    double p50Micros() {
      return latencies.length == 0 ? 0 : latencies[latencies.length / 2] / 1e3;
    }

    double p99Micros() {
      return latencies.length == 0 ? 0 : latencies[(int) (latencies.length * 0.99)] / 1e3;
    }

    double cpuMicrosPerCall() {
      return calls == 0 ? 0 : cpuNanos / 1e3 / calls;
    }
  }

  /** {@code concurrency} threads calling one after another for {@code seconds}. */
  static Result run(Caller caller, int concurrency, int seconds) throws InterruptedException {
    AtomicBoolean stop = new AtomicBoolean();
    List<long[]> perThread = new ArrayList<>();
    int[] counts = new int[concurrency];
    List<Thread> threads = new ArrayList<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    CountDownLatch failed = new CountDownLatch(1);
    for (int t = 0; t < concurrency; t++) {
      long[] lat = new long[2_000_000];
      perThread.add(lat);
      int index = t;
      threads.add(new Thread(() -> {
        int n = 0;
        while (!stop.get()) {
          long t0 = System.nanoTime();
          try {
            caller.call();
          } catch (Throwable e) {
            failure.compareAndSet(null, e);
            failed.countDown();
            return;
          }
          if (n < lat.length) {
            lat[n++] = System.nanoTime() - t0;
          }
        }
        counts[index] = n;
      }, "driver-" + t));
    }
    com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long cpu0 = os.getProcessCpuTime() + gatewayCpuNanos();
    long threads0 = ManagementFactory.getThreadMXBean().getTotalStartedThreadCount();
    long t0 = System.nanoTime();
    threads.forEach(Thread::start);
    // The measurement window; a failed call ends it at once.
    failed.await(seconds, TimeUnit.SECONDS);
    stop.set(true);
    for (Thread t : threads) {
      t.join();
    }
    long elapsed = System.nanoTime() - t0;
    long cpu = os.getProcessCpuTime() + gatewayCpuNanos() - cpu0;
    long threadsStarted = ManagementFactory.getThreadMXBean().getTotalStartedThreadCount() - threads0 - concurrency;
    if (failure.get() != null) {
      throw new IllegalStateException("a call failed", failure.get());
    }
    long total = 0;
    for (int c : counts) {
      total += c;
    }
    long[] all = new long[(int) total];
    int at = 0;
    for (int t = 0; t < concurrency; t++) {
      System.arraycopy(perThread.get(t), 0, all, at, counts[t]);
      at += counts[t];
    }
    Arrays.sort(all);
    return new Result(total, elapsed / 1e9, all, cpu, threadsStarted);
  }

  private EndToEnd() {}
}
