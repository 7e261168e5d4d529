package tdxsim.stress.report;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Renders a message the way a race description names an operation: {@code TdhMemPageAug gfn=0x200 PG_LEVEL_2M}.
 * Records show their simple name and fields; the plumbing is left out (ActorRefs and lists of them, fields named
 * {@code replyTo}, {@code caller} or {@code tag}, null fields); enums show their constant's name alone; integral
 * fields whose name has a word like gfn, pfn, start or end ({@code rangeStart}, {@code septPagePfn}) are hex,
 * since that is how addresses are read; nested records show in parentheses; collections their first few items.
 *
 * <p>Reflection over record components, so it needs no knowledge of the model's messages. Rendering never throws:
 * a field that cannot be read shows as {@code ?}.
 */
public final class MessageFormatter {
  /** Field names left out by default: reply plumbing, not content. */
  public static final Set<String> PLUMBING = Set.of("replyTo", "caller", "tag");

  /** Words of a field name that make an integral field hex. */
  public static final Set<String> ADDRESS_WORDS =
      Set.of("gfn", "gfns", "pfn", "pfns", "gpa", "hpa", "addr", "address", "start", "end", "base");

  public static final MessageFormatter DEFAULT = new MessageFormatter(PLUMBING, ADDRESS_WORDS);

  private static final int MAX_DEPTH = 3;
  private static final int MAX_ITEMS = 4;

  private final Set<String> hidden;
  private final Set<String> addressWords;

  public MessageFormatter(Set<String> hiddenFields, Set<String> addressWords) {
    this.hidden = Set.copyOf(hiddenFields);
    this.addressWords = Set.copyOf(addressWords);
  }

  /** The compact one-line form. */
  public String format(Object message) {
    if (message == null) return "null";
    if (message.getClass().isRecord()) {
      List<String> fields = fields(message, 0);
      String name = message.getClass().getSimpleName();
      return fields.isEmpty() ? name : name + ' ' + String.join(" ", fields);
    }
    String v = value(message, "", 0);
    return v.isEmpty() ? message.getClass().getSimpleName() : v;
  }

  /** The shown fields of a record: {@code name=value}, or an enum's constant alone. */
  private List<String> fields(Object rec, int depth) {
    List<String> out = new ArrayList<>();
    for (RecordComponent c : rec.getClass().getRecordComponents()) {
      if (hidden.contains(c.getName())) continue;
      Object v;
      try {
        c.getAccessor().setAccessible(true);
        v = c.getAccessor().invoke(rec);
      } catch (IllegalAccessException | InvocationTargetException | RuntimeException e) {
        v = Unreadable.INSTANCE;
      }
      if (v == null) continue; // an absent optional field (error=null) says nothing
      String text = value(v, c.getName(), depth + 1);
      if (text.isEmpty()) continue;
      out.add(v instanceof Enum<?> ? text : c.getName() + '=' + text);
    }
    return out;
  }

  /** A field value; "" for something not worth showing (an ActorRef, a record of nothing but plumbing). */
  private String value(Object v, String field, int depth) {
    if (v == null) return "null";
    if (v == Unreadable.INSTANCE) return "?";
    if (isActorRef(v)) return "";
    if (v instanceof Enum<?> e) return e.name();
    if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
      long n = ((Number) v).longValue();
      return isAddress(field) ? "0x" + Long.toHexString(n) : Long.toString(n);
    }
    if (v instanceof CharSequence s) return quoteIfNeeded(s.toString());
    if (v instanceof Number || v instanceof Boolean || v instanceof Character) return v.toString();
    if (v instanceof Optional<?> o) return o.isPresent() ? value(o.get(), field, depth) : "-";
    if (depth > MAX_DEPTH) return "..";
    if (v instanceof Collection<?> c) return items(c.iterator(), c.size(), field, depth);
    if (v instanceof Map<?, ?> m) return items(m.entrySet().iterator(), m.size(), field, depth);
    if (v instanceof long[] a) return items(java.util.Arrays.stream(a).boxed().iterator(), a.length, field, depth);
    if (v instanceof int[] a) return items(java.util.Arrays.stream(a).boxed().iterator(), a.length, field, depth);
    if (v instanceof Object[] a) return items(java.util.Arrays.asList(a).iterator(), a.length, field, depth);
    if (v.getClass().isRecord()) {
      List<String> inner = fields(v, depth);
      // a record of nothing but plumbing (a bundle of ActorRefs) is plumbing too
      if (inner.isEmpty() && v.getClass().getRecordComponents().length > 0) return "";
      return v.getClass().getSimpleName() + "(" + String.join(" ", inner) + ")";
    }
    return quoteIfNeeded(String.valueOf(v));
  }

  private String items(Iterator<?> it, int size, String field, int depth) {
    StringBuilder sb = new StringBuilder("[");
    int shown = 0;
    int hidden = 0;
    while (it.hasNext() && shown < MAX_ITEMS) {
      Object o = it.next();
      String s =
          o instanceof Map.Entry<?, ?> e
              ? value(e.getKey(), field, depth + 1) + ":" + value(e.getValue(), field, depth + 1)
              : value(o, field, depth + 1);
      if (s.isEmpty()) {
        hidden++; // an ActorRef in a list of peers
        continue;
      }
      if (shown > 0) sb.append(',');
      sb.append(s);
      shown++;
    }
    if (shown == 0 && hidden > 0) return ""; // a list of plumbing is plumbing
    if (size > shown + hidden) sb.append(shown > 0 ? "," : "").append("..+").append(size - shown - hidden);
    return sb.append(']').toString();
  }

  /** camelCase or snake_case words of the field name; hex if one of them is an address word. */
  private boolean isAddress(String field) {
    if (field.isEmpty()) return false;
    for (String w : field.split("(?<=[a-z0-9])(?=[A-Z])|_")) {
      if (addressWords.contains(w.toLowerCase(Locale.ROOT))) return true;
    }
    return false;
  }

  private static boolean isActorRef(Object v) {
    return v instanceof org.apache.pekko.actor.typed.ActorRef<?> || v instanceof org.apache.pekko.actor.ActorRef;
  }

  private static String quoteIfNeeded(String s) {
    if (!s.isEmpty() && s.chars().noneMatch(ch -> Character.isWhitespace(ch) || ch == '"' || ch == '=')) return s;
    return '"' + s.replace("\"", "\\\"").replace("\n", "\\n") + '"';
  }

  /** A field whose accessor threw. */
  private enum Unreadable {
    INSTANCE
  }
}
