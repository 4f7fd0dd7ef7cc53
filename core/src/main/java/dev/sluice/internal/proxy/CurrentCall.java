package dev.sluice.internal.proxy;

import dev.sluice.SluiceCall;
import dev.sluice.subject.Subject;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** The thread-bound {@link SluiceCall} of a running method body, and the subject bound by the caller. */
public final class CurrentCall {

  private static final ThreadLocal<@Nullable SluiceCall> CALL = new ThreadLocal<>();
  private static final ThreadLocal<@Nullable Subject> SUBJECT = new ThreadLocal<>();

  private CurrentCall() {}

  public static Optional<SluiceCall> get() {
    return Optional.ofNullable(CALL.get());
  }

  /** Binds {@code call} to this thread until the returned scope closes, then restores what was bound. */
  public static Scope bind(SluiceCall call) {
    SluiceCall previous = CALL.get();
    CALL.set(call);
    return () -> restore(CALL, previous);
  }

  public static Optional<Subject> subject() {
    return Optional.ofNullable(SUBJECT.get());
  }

  /** Binds {@code subject} to this thread until the returned scope closes, then restores what was bound. */
  public static Scope bindSubject(Subject subject) {
    Subject previous = SUBJECT.get();
    SUBJECT.set(subject);
    return () -> restore(SUBJECT, previous);
  }

  private static <T> void restore(ThreadLocal<@Nullable T> local, @Nullable T previous) {
    if (previous == null) {
      local.remove();
    } else {
      local.set(previous);
    }
  }

  /** Undoes a binding; closing twice is harmless only if nothing was bound in between. */
  public interface Scope extends AutoCloseable {
    @Override
    void close();
  }
}
