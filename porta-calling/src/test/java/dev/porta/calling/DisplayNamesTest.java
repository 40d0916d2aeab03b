// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Review finding L6: a guest cannot pad or reorder a name to pass for someone else. */
class DisplayNamesTest {

    @ParameterizedTest
    @ValueSource(ints = {0x3164, 0x2800, 0x115F, 0x1160, 0xFFA0, 0x200B, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D,
            0x202E, 0x2066, 0x2067, 0x2068, 0x2069, 0x2060, 0xFEFF, 0x00AD, 0x2028, 0x2029, 0x0007, 0xE000, 0x034F})
    void aNamePaddedOrReorderedWithInvisibleCharactersIsRefused(int invisible) {
        String spoof = "Megan Bowen" + Character.toString(invisible).repeat(85);
        assertThat(DisplayNames.validate(spoof, 100)).isNull();
        assertThat(DisplayNames.validate("Megan" + Character.toString(invisible) + "Bowen", 100)).isNull();
    }

    @Test
    void whitespaceRunsCollapseToOneSpaceAndTheEndsAreTrimmed() {
        assertThat(DisplayNames.validate("  Megan \u00A0\u3000\u2003 Bowen\t\n ", 100)).isEqualTo("Megan Bowen");
        assertThat(DisplayNames.validate("Megan" + " ".repeat(200) + "Bowen", 100)).isEqualTo("Megan Bowen");
    }

    @Test
    void blankOrMarkOnlyNamesAndStackedMarksAreRefused() {
        assertThat(DisplayNames.validate(" \u3000 ", 100)).isNull();
        assertThat(DisplayNames.validate("\u0301\u0301", 100)).isNull();
        assertThat(DisplayNames.validate("Ada" + "\u0301".repeat(30), 100)).isNull();
    }

    @Test
    void ordinaryNamesInManyScriptsPass() {
        for (String name : new String[] {"Ada (Contoso)", "Zoë Ångström", "李小龍", "Алёна", "محمد", "हिन्दी नाम", "Ana 👋🏽", "O'Brien-Smith"}) {
            assertThat(DisplayNames.validate(name, 100)).as(name).isEqualTo(name);
        }
        assertThat(DisplayNames.validate("x".repeat(101), 100)).isNull();
    }

    @Test
    void emojiSequencesHeldByAZeroWidthJoinerPassButALoneJoinerIsRefused() {
        for (String name : new String[] {"Ana \uD83D\uDC69\u200D\uD83D\uDCBB", "Rainbow \uD83C\uDFF3\uFE0F\u200D\uD83C\uDF08",
                "Kim \uD83D\uDC69\uD83C\uDFFD\u200D\uD83D\uDD2C"}) {
            assertThat(DisplayNames.validate(name, 100)).as(name).isEqualTo(name);
        }
        assertThat(DisplayNames.validate("Megan\u200DBowen", 100)).isNull();
        assertThat(DisplayNames.validate("\uD83D\uDC69\u200D", 100)).isNull();
        assertThat(DisplayNames.validate("Megan \u200D\uD83D\uDCBB", 100)).isNull();
    }
}
