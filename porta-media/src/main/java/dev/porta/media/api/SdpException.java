// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.api;

/** An SDP offer or answer the SFU cannot accept; the message says what is wrong with it. */
public final class SdpException extends Exception {
    public SdpException(String message) {
        super(message);
    }
}
