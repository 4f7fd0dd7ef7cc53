/** Translation between LangChain4j's requests and answers and Sluice's; not API. */
@NullMarked
package dev.sluice.langchain4j.internal;

import org.jspecify.annotations.NullMarked;
