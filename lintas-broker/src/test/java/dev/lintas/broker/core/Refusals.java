package dev.lintas.broker.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Asserts on the typed refusals of the core. */
final class Refusals {

    private Refusals() {
    }

    /** The error {@code call} was refused with; fails if it was not refused. */
    static BrokerError errorOf(ThrowingCallable call) {
        BrokerException refusal = catchThrowableOfType(BrokerException.class, call);
        assertThat(refusal).as("a BrokerException").isNotNull();
        return refusal.error();
    }
}
