package dev.sluice.internal;

import dev.sluice.outcome.ModelCallException;
import dev.sluice.outcome.SluiceException;
import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/** Turns whatever a step or model threw into the Sluice exception that says why. */
public final class Failures {

  private Failures() {}

  /** The cause inside {@link CompletionException} and {@link ExecutionException} wrappers. */
  public static Throwable unwrap(Throwable t) {
    Throwable c = t;
    while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
      c = c.getCause();
    }
    return c;
  }

  /** A failure from a model client, as the exception retries and breakers understand. */
  public static SluiceException fromModel(Throwable thrown) {
    Throwable t = unwrap(thrown);
    if (t instanceof SluiceException se) {
      return se;
    }
    if (t instanceof HttpTimeoutException || t instanceof TimeoutException) {
      return new ModelCallException(ModelCallException.Kind.ATTEMPT_TIMEOUT, 0, "model call timed out: " + t.getMessage(), null, t);
    }
    if (t instanceof IOException) {
      return new ModelCallException(ModelCallException.Kind.CONNECTION, 0, "connection to the model failed: " + t, null, t);
    }
    if (t instanceof CancellationException) {
      return new SluiceException("the call was cancelled", t);
    }
    return new ModelCallException(ModelCallException.Kind.OTHER, 0, "model client failed: " + t, null, t);
  }

  /** A failure from a step or the pipeline itself. */
  public static SluiceException fromStep(Throwable thrown) {
    Throwable t = unwrap(thrown);
    if (t instanceof SluiceException se) {
      return se;
    }
    if (t instanceof CancellationException) {
      return new SluiceException("the call was cancelled", t);
    }
    return new SluiceException("a pipeline step failed unexpectedly: " + t, t);
  }
}
