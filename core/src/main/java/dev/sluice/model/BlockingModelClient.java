package dev.sluice.model;

import dev.sluice.outcome.ModelCallException;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * A {@link ModelClient} over a model whose SDK blocks (LangChain4j's and Spring AI's models, most
 * vendor SDKs): each call runs on an executor, and cancelling the call (a timeout, the caller)
 * interrupts its thread, which aborts the request of SDKs that honour interruption. Subclasses
 * say how to call the model and how its exceptions map to {@link ModelCallException}s.
 *
 * <pre>{@code
 * final class MyVendorClient extends BlockingModelClient {
 *   MyVendorClient() { super("my-vendor"); }
 *   protected ChatResponse call(ChatRequest request) { return translate(sdk.complete(translate(request))); }
 *   protected ModelCallException failure(RuntimeException e) { return ...; }
 * }
 * }</pre>
 */
public abstract class BlockingModelClient implements ModelClient {

  private final String provider;
  private final Executor executor;

  /** Calls run on the {@linkplain #waitingThreads() shared pool of daemon threads}. */
  protected BlockingModelClient(String provider) {
    this(provider, waitingThreads());
  }

  /**
   * The pool Sluice's clients wait on by default, for integrations that block or read a stream on a
   * thread: daemon threads, made as calls need them (one per call in flight, which a route's
   * bulkheads bound), ended after a minute idle.
   */
  public static Executor waitingThreads() {
    return dev.sluice.internal.DaemonPool.WAITING;
  }

  /** Calls run on the application's executor. */
  protected BlockingModelClient(String provider, Executor executor) {
    this.provider = Objects.requireNonNull(provider, "provider");
    this.executor = Objects.requireNonNull(executor, "executor");
  }

  /** The model's answer to the request, blocking; throws what the SDK throws. */
  protected abstract ChatResponse call(ChatRequest request);

  /** What the SDK threw, as a model call failure of the matching kind (the provider's text kept out of the message). */
  protected abstract ModelCallException failure(RuntimeException e);

  /** The executor calls run on. */
  protected Executor executor() {
    return executor;
  }

  @Override
  public String provider() {
    return provider;
  }

  @Override
  public CompletionStage<ChatResponse> chatAsync(ChatRequest request) {
    // Cancelling the call interrupts the model's thread.
    return dev.sluice.internal.WaitingCall.on(executor, provider, () -> call(request), t -> t instanceof ModelCallException m ? m
        : t instanceof RuntimeException e ? failure(e)
        : new ModelCallException(ModelCallException.Kind.OTHER, 0, provider + " model failed: " + t, null, t));
  }

  /** Whether {@code e} or one of its causes is a {@code type}: for mapping wrapped I/O failures and interrupts. */
  protected static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }
}
