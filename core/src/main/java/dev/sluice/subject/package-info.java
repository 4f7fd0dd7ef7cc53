/** Who a call is for: a {@link dev.sluice.subject.Subject}, its routing key and attributes. */
@NullMarked
package dev.sluice.subject;

import org.jspecify.annotations.NullMarked;
