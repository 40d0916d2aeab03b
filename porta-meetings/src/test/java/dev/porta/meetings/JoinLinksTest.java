// SPDX-License-Identifier: Apache-2.0
package dev.porta.meetings;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JoinLinksTest {
    private final JoinLinks links = new JoinLinks(() -> "https://porta.example:8443/");

    @Test
    void aJoinLinkHasTeamsShapeUnderPortasHostAndNamesItsThreadHoweverEncoded() {
        OnlineMeeting m = MeetingStoreTest.meeting(null, "123456789012");
        String url = links.joinWebUrl(m);

        assertThat(url).startsWith("https://porta.example:8443/l/meetup-join/19%3ameeting_")
                .contains("%40thread.v2/0?context=%7b%22Tid%22%3a%22" + m.tenantId() + "%22%2c%22Oid%22%3a%22" + m.organizerId() + "%22%7d");
        assertThat(JoinLinks.threadIdOf(url)).contains(m.threadId());
        String once = URLEncoder.encode(url, StandardCharsets.UTF_8);
        assertThat(JoinLinks.threadIdOf(once)).contains(m.threadId());
        assertThat(JoinLinks.threadIdOf(URLEncoder.encode(once, StandardCharsets.UTF_8))).contains(m.threadId());
        assertThat(links.matches(m, url)).isTrue();
        assertThat(links.matches(m, once)).isTrue();
        assertThat(links.matches(m, url.replace(m.organizerId().value(), "44444444-4444-4444-8444-444444444444"))).isFalse();
        assertThat(links.matches(m, url.replace("porta.example:8443", "porta.example:9443"))).as("a link from before a port change").isTrue();
        assertThat(links.matches(m, "https://porta.example/other")).isFalse();
        assertThat(JoinLinks.threadIdOf("https://porta.example/l/meetup-join/nonsense")).isEmpty();
    }
}
