/**
 * Sluice from a configuration file: routes, variants and their clients, resilience policies,
 * budgets and rollout plans in one YAML or JSON document whose {@code rollout} sections are
 * rollout notes. The Spring Boot starter reads the same schema from {@code application.yml}.
 */
@NullMarked
package dev.sluice.config;

import org.jspecify.annotations.NullMarked;
