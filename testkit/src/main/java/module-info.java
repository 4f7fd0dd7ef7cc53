/** Measuring and testing Sluice outside the library jars: the judge simulator, guardrail evaluation, a chat-completions stub server. */
module dev.sluice.testkit {
  requires transitive dev.sluice.core;
  requires com.fasterxml.jackson.dataformat.csv;
  requires jdk.httpserver;

  exports dev.sluice.testkit;
  exports dev.sluice.testkit.eval;
}
