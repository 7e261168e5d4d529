package tdxsim.stress.report;

import tdxsim.stress.io.AtomicFiles;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import tdxsim.stress.minimize.fixtures.FixtureTraces;
import tdxsim.stress.runtime.DeterministicSystem;
import tdxsim.stress.trace.Trace;

class HtmlChartTest {
  static DeterministicSystem system;
  static Trace noisy;
  static RaceDiagram diagram;
  static String html;

  @TempDir Path dir;

  @BeforeAll
  static void start() {
    system = DeterministicSystem.create("html-chart-test");
    noisy = FixtureTraces.noisyRace(system);
    diagram = RaceDiagram.of("race <noisy> & \"co\".json", RecordedRun.replay(system, FixtureTraces.NOISY_RACE, noisy),
        ReportFixtures.VCPUS, MessageFormatter.DEFAULT);
    html = HtmlChart.render(diagram, StepRange.ALL);
  }

  @AfterAll
  static void stop() {
    system.close();
  }

  private static Document parse(String text) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    return f.newDocumentBuilder().parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
  }

  private static List<Element> steps(Document doc) {
    NodeList gs = doc.getElementsByTagNameNS("http://www.w3.org/2000/svg", "g");
    List<Element> out = new ArrayList<>();
    for (int i = 0; i < gs.getLength(); i++) {
      Element g = (Element) gs.item(i);
      if (g.getAttribute("class").startsWith("step")) out.add(g);
    }
    return out;
  }

  @Test
  void itIsWellFormedXmlWithOneArrowGroupPerStepInOrder() throws Exception {
    Document doc = parse(html);
    assertEquals("html", doc.getDocumentElement().getTagName());
    List<Element> steps = steps(doc);
    assertEquals(noisy.decisions().size(), steps.size());
    for (int i = 0; i < steps.size(); i++) {
      Element g = steps.get(i);
      assertEquals("step-" + (i + 1), g.getAttribute("id"));
      String title = g.getElementsByTagNameNS("http://www.w3.org/2000/svg", "title").item(0).getTextContent();
      assertTrue(title.startsWith((i + 1) + " " + noisy.decisions().get(i).receiver() + "#"), title);
      assertEquals(1, g.getElementsByTagNameNS("http://www.w3.org/2000/svg", "text").getLength() - 1,
          "one number and one label");
    }
  }

  @Test
  void theViolatingStepIsHighlightedAndItsTooltipHasTheFullMessageAndVerdict() throws Exception {
    List<Element> steps = steps(parse(html));
    Element last = steps.get(steps.size() - 1);
    assertEquals("step violation", last.getAttribute("class"));
    for (int i = 0; i < steps.size() - 1; i++) assertEquals("step", steps.get(i).getAttribute("class"));
    String title = last.getElementsByTagNameNS("http://www.w3.org/2000/svg", "title").item(0).getTextContent();
    assertTrue(title.contains("table#4 <- vcpu-") && title.contains(": Put gfn=0x200 PG_LEVEL_2M value="), title);
    assertTrue(title.contains("table.lost-update: two increments"), title);
  }

  @Test
  void itIsSelfContainedAndEscapesWhatItQuotes() {
    assertFalse(html.contains("<script src"));
    assertFalse(html.contains("<link"));
    assertFalse(html.contains("src="));
    assertEquals(1, html.split("http", -1).length - 1, "only the SVG namespace URI");
    assertTrue(html.contains("race &lt;noisy&gt; &amp; &quot;co&quot;.json"));
    for (String actor : diagram.actors()) assertTrue(html.contains(">" + actor + "</text>"), actor);
  }

  @Test
  void itIsWrittenAtomically() throws Exception {
    Path f = dir.resolve("sub/race.html");
    AtomicFiles.writeString(f, html);
    AtomicFiles.writeString(f, html); // replaces
    assertEquals(html, Files.readString(f));
    try (var files = Files.list(f.getParent())) {
      assertEquals(List.of(f), files.toList(), "no temporary file is left behind");
    }
  }
}
