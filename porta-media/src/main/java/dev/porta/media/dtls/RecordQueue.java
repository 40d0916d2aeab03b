// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.dtls;

import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * DTLS records received from the socket, waiting for Bouncy Castle's handshake to read them. Bounded:
 * a flood must not grow memory, so a record that finds the queue full is dropped (DTLS retransmits).
 */
final class RecordQueue {
    private final BlockingQueue<byte[]> records;

    RecordQueue(int capacity) {
        this.records = new ArrayBlockingQueue<>(capacity);
    }

    /** Copies the record in; false when the queue was full and the record is dropped. Never blocks. */
    boolean offer(byte[] b, int off, int len) {
        return records.offer(Arrays.copyOfRange(b, off, off + len));
    }

    /** Bouncy Castle's {@code DatagramTransport.receive}: the next record into {@code buf}, or -1 after the wait. */
    int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
        try {
            byte[] r = records.poll(waitMillis, TimeUnit.MILLISECONDS);
            if (r == null) {
                return -1;
            }
            int n = Math.min(len, r.length);
            System.arraycopy(r, 0, buf, off, n);
            return n;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for a DTLS record", e);
        }
    }
}
