/** Sluice guardrails: input and output checks for the core's guardrail SPI. */
module dev.sluice.guardrails {
  requires transitive dev.sluice.core;
  // RE2/J names no module; its jar's name is the automatic one.
  requires re2j;

  exports dev.sluice.guardrails;
}
