// SPDX-License-Identifier: Apache-2.0
package dev.porta.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * docs/deployment.md as the tests read it: the fenced snippets of one "## " section, in order, so that
 * what the page shows is what the tests run.
 */
public final class DeploymentDoc {
    private DeploymentDoc() { }

    /** The fenced blocks of the section whose heading starts with {@code heading} (e.g. "## Certificate"). */
    public static List<String> blocks(Path repoRoot, String heading) {
        String doc;
        try {
            doc = Files.readString(repoRoot.resolve("docs/deployment.md"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int start = doc.indexOf("\n" + heading);
        assertThat(start).as("docs/deployment.md has a section '" + heading + "'").isNotNegative();
        int end = doc.indexOf("\n## ", start + 1);
        String section = doc.substring(start, end < 0 ? doc.length() : end);
        List<String> blocks = new ArrayList<>();
        Matcher m = Pattern.compile("```\n(.*?)```", Pattern.DOTALL).matcher(section);
        while (m.find()) {
            blocks.add(m.group(1));
        }
        return blocks;
    }

    /** A porta.conf snippet's {@code key = value} lines. */
    public static Map<String, String> keys(String confSnippet) {
        Map<String, String> keys = new LinkedHashMap<>();
        for (String line : confSnippet.split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                String[] kv = line.split("=", 2);
                keys.put(kv[0].trim(), kv[1].trim());
            }
        }
        return keys;
    }

    /** {@code text} with each literal (which must occur in it) replaced. */
    public static String swap(String text, Map<String, String> replacements) {
        String out = text;
        for (var r : replacements.entrySet()) {
            assertThat(out).as("the snippet contains '" + r.getKey() + "'").contains(r.getKey());
            out = out.replace(r.getKey(), r.getValue());
        }
        return out;
    }
}
