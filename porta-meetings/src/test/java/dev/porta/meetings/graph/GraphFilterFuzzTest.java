// SPDX-License-Identifier: Apache-2.0
package dev.porta.meetings.graph;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.porta.meetings.JoinLinks;
import java.nio.charset.StandardCharsets;

/**
 * Coverage-guided fuzzing of the Graph {@code $filter} a caller sends to find meetings, and of the join
 * link inside it. In a normal test run this replays the corpus in
 * {@code src/test/resources/dev/porta/meetings/graph/GraphFilterFuzzTestInputs}; with {@code JAZZER_FUZZ=1}
 * it fuzzes. Any exception escaping is a finding: a filter that cannot be read is "not a filter".
 */
class GraphFilterFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void filter(byte[] data) {
        GraphFilter.parse(new String(data, StandardCharsets.UTF_8)).ifPresent(f -> {
            f.propertyKey();
            f.value().ifPresent(literal -> {
                JoinLinks.threadIdOf(literal);
                JoinLinks.isThreadId(literal);
            });
        });
    }
}
