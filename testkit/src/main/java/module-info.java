/** Measuring Sluice outside the library jars: the judge simulator and guardrail evaluation. */
module dev.sluice.testkit {
  requires transitive dev.sluice.core;
  requires com.fasterxml.jackson.dataformat.csv;

  exports dev.sluice.testkit;
  exports dev.sluice.testkit.eval;
}
