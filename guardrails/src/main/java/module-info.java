/** Sluice guardrails: input and output checks for the core's guardrail SPI. */
module dev.sluice.guardrails {
  requires transitive dev.sluice.core;

  exports dev.sluice.guardrails;
}
