package dev.sluice.openai;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** The threads whole calls of the OpenAI-compatible client wait on by default: daemons, made as calls need them, ended after a minute idle. */
final class SendThreads {

  private static final AtomicInteger COUNT = new AtomicInteger();

  static final ExecutorService SHARED = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "sluice-http-" + COUNT.incrementAndGet());
    t.setDaemon(true);
    return t;
  });

  private SendThreads() {}
}
