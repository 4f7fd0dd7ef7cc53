package dev.sluice.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Route;
import dev.sluice.Sluice;
import dev.sluice.model.ChatRequest;
import dev.sluice.outcome.ModelCallException;
import dev.sluice.release.Variant;
import dev.sluice.resilience.ResiliencePolicy;
import dev.sluice.subject.Subject;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The heap stays bounded against endless bodies: a child JVM with a 64 MB heap makes calls, with
 * the default client settings, to a server that streams an endless answer. Before bodies were
 * bounded, one such call ran a 2 GB heap out of memory.
 */
class BoundedHeapTest {

  @Test
  void endlessBodiesEndInTooLargeOnASixtyFourMegabyteHeap() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-Xmx64m", "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"),
        EndlessCalls.class.getName()).redirectErrorStream(true).start();
    boolean ended = p.waitFor(120, TimeUnit.SECONDS);
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!ended) {
      p.destroyForcibly();
    }
    assertThat(ended).as("the child ended: %s", out).isTrue();
    assertThat(p.exitValue()).as("exit status; output: %s", out).isZero();
    assertThat(out).contains("too_large 8 of 8");
  }

  /** The child: an endless-body server and eight calls to it, sequential and concurrent. */
  public static final class EndlessCalls {
    public static void main(String[] args) throws Exception {
      try (FaultServer.Raw server = new FaultServer.Raw((s, r) -> {
        FaultServer.readHead(s);
        OutputStream out = s.getOutputStream();
        out.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        byte[] data = new byte[64 * 1024];
        Arrays.fill(data, (byte) 'a');
        byte[] head = (Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        try {
          for (long sent = 0; sent < 1L << 34; sent += data.length) {
            out.write(head);
            out.write(data);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
          }
        } finally {
          s.close();
        }
      })) {
        OpenAiCompatibleClient client = OpenAiCompatibleClient.builder().baseUrl(server.baseUrl()).build();
        Sluice sluice = Sluice.builder()
            .route(Route.builder("r").baseline(Variant.builder("v1").client(client).model("gpt-4o-mini").build())
                .resilience(ResiliencePolicy.builder().attemptTimeout(Duration.ofSeconds(30)).deadline(Duration.ofSeconds(60)).build()).build())
            .meterRegistry(new SimpleMeterRegistry()).auditSink(e -> { }).build();
        List<java.util.concurrent.CompletableFuture<?>> calls = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
          calls.add(sluice.callAsync("r", ChatRequest.ofUser("hello " + i), Subject.of("u" + i)).handle((r, e) -> e));
          if (i < 4) {
            calls.get(i).join();
          }
        }
        int tooLarge = 0;
        for (var c : calls) {
          Object e = c.join();
          Throwable t = e instanceof java.util.concurrent.CompletionException ce && ce.getCause() != null ? ce.getCause() : (Throwable) e;
          if (t instanceof ModelCallException m && m.kind() == ModelCallException.Kind.TOO_LARGE) {
            tooLarge++;
          } else {
            System.out.println("other: " + t);
          }
        }
        System.out.println("too_large " + tooLarge + " of 8");
        sluice.close();
      }
      System.exit(0);
    }
  }
}
