package tdxsim.stress.report;

/** Escaping for text and attribute values, so that the HTML chart is also well-formed XML. */
final class Xml {
  private Xml() {}

  static String escape(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> sb.append("&amp;");
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '"' -> sb.append("&quot;");
        case '\'' -> sb.append("&#39;");
        default -> {
          if (c < 0x20 && c != '\n' && c != '\t') sb.append(' ');
          else sb.append(c);
        }
      }
    }
    return sb.toString();
  }
}
