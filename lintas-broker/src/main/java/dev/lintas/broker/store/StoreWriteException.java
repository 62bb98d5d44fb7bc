package dev.lintas.broker.store;

import java.io.IOException;

/**
 * The store could not write a record (the disk is full, or it failed): the work it recorded is not durable and must
 * not be acknowledged. An MQTT 5 publisher gets reason 0x97 (quota exceeded); a 3.1.1 publisher is disconnected.
 */
public final class StoreWriteException extends IOException {

    StoreWriteException(IOException cause) {
        super("the store could not write: " + (cause == null ? "unknown error" : cause.getMessage()), cause);
    }
}
