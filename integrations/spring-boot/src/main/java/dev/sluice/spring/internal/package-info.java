/** Implementation of the Spring Boot starter; not API. */
@NullMarked
package dev.sluice.spring.internal;

import org.jspecify.annotations.NullMarked;
