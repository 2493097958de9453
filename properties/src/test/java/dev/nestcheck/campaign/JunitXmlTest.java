package dev.nestcheck.campaign;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What a JUnit consumer refuses or misfiles: characters outside XML 1.0, and class names with paths and dots. */
class JunitXmlTest {
    @Test
    void charactersOutsideXmlAreReplacedNotWritten() throws Exception {
        String nasty = "a\uFFFEb\uFFFFc\u0001d\u001B[31me\uD800f]]>g&<\uD83D\uDE00";
        String text = JunitXml.text(nasty);
        assertThat(text).isEqualTo("a\uFFFDb\uFFFDcd[31me\uFFFDf]]&gt;g&amp;&lt;\uD83D\uDE00");
        // a strict parser takes the whole file
        String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><t a=\"" + JunitXml.attr(nasty) + "\">" + text + "</t>";
        javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new java.io.ByteArrayInputStream(xml.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    @Test
    void theClassNameHasNoPathAndNoDotsOfTheImplementation() {
        assertThat(JunitXml.className("check", "optimized")).isEqualTo("nestcheck.check.optimized");
        assertThat(JunitXml.className("check", "exec:/builds/team/ws@2/target/my-impl --fast"))
                .isEqualTo("nestcheck.check.exec_my-impl");
        assertThat(JunitXml.className("check", "exec:python3 impl.py")).isEqualTo("nestcheck.check.exec_python3");
        assertThat(JunitXml.className("check", "org.example.mine")).isEqualTo("nestcheck.check.org_example_mine");
    }
}
