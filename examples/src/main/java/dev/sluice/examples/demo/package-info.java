/**
 * The staged-rollout demo: a support assistant whose candidate release walks the whole rollout
 * plan on simulated models, in simulated time, with budgets, guardrails and fallbacks live.
 */
package dev.sluice.examples.demo;
