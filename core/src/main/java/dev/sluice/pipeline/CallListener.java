package dev.sluice.pipeline;

/**
 * Told of every finished call, on the thread that finished it, after meters and audit. Must be
 * fast and must not throw (a throw is logged and ignored). The judge is one.
 */
@FunctionalInterface
public interface CallListener {

  void onCall(CallRecord call);
}
