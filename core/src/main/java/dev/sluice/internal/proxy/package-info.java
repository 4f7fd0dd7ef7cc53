/**
 * The annotation path into the pipeline: JDK proxies for {@code @LlmRoute} interfaces, the plan
 * each routed method is reduced to when the proxy is built, and the attempt context a method body
 * reads. Not API.
 */
@NullMarked
package dev.sluice.internal.proxy;

import org.jspecify.annotations.NullMarked;
