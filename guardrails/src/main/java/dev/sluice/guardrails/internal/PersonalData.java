package dev.sluice.guardrails.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Finds English person names, street addresses and dates of birth by dictionary and context, over
 * {@link Words}: a bounded look around each token, so linear time.
 *
 * <ul>
 *   <li>Names: a title ({@code Mr}, {@code Ms.}, {@code Dr} ...) or a cue ({@code my name is},
 *       {@code name:}, {@code Dear}, {@code call me}) followed by up to three words; or a known
 *       given name (about 8,400, women's and men's, from the Moby word list) followed by a capitalised surname.
 *   <li>Street addresses: a house number, up to four words and a street type ({@code Street},
 *       {@code Rd}, {@code Avenue} ...; the types that are also common words, such as {@code Way}
 *       or {@code Court}, only capitalised), with an apartment, suite or unit after it.
 *   <li>Dates of birth: a date (numeric, ISO, or with the month's name) within eight tokens after
 *       {@code born}, {@code birth}, {@code birthday}, {@code DOB}.
 * </ul>
 */
public final class PersonalData {

  /** A match: the entity's tag ({@code person}, {@code street_address}, {@code date_of_birth}) and its span. */
  public record Found(String entity, int start, int end) {}

  private static final String[] TITLES = {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "mister", "madam", "sir"};
  private static final Set<String> NOT_NAMES = Set.of("the", "a", "an", "and", "or", "but", "i", "we", "you", "he", "she", "it", "they",
      "this", "that", "these", "those", "is", "are", "was", "were", "be", "in", "on", "at", "to", "for", "of", "with", "from", "by", "my",
      "your", "our", "their", "his", "her", "its", "not", "no", "yes", "if", "so", "as", "here", "there", "please", "thanks", "thank",
      "hello", "hi", "dear", "street", "road", "avenue", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
      "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december", "what",
      "who", "how", "when", "where", "why", "which", "can", "could", "would", "should", "will", "shall", "do", "does", "did", "have",
      "has", "had", "am", "all", "any", "some", "new", "old", "good", "great", "best", "happy", "sorry", "ok", "okay", "also", "just",
      "now", "then", "today", "tomorrow", "yesterday", "regards", "sincerely", "cheers", "team", "inc", "ltd", "llc", "corp", "company");
  private static final Set<String> STREET_TYPES = Set.of("street", "st", "avenue", "ave", "road", "rd", "boulevard", "blvd", "lane", "ln",
      "highway", "hwy", "parkway", "pkwy", "terrace", "crescent", "plaza", "alley", "drive", "dr", "strasse", "straße");
  /** Street types that are also common words (most of the USPS's street suffixes): only capitalised, plural or not. */
  private static final Set<String> STREET_TYPES_CAPITALISED = Set.of("way", "place", "pl", "court", "ct", "square", "sq", "close", "row",
      "circle", "cir", "trail", "walk", "garden", "hill", "park", "view", "mews", "green", "annex", "arcade", "bayou", "beach", "bend",
      "bluff", "bottom", "branch", "bridge", "brook", "burg", "bypass", "camp", "canyon", "cape", "causeway", "center", "centre", "cliff",
      "club", "common", "corner", "course", "cove", "creek", "crest", "crossing", "crossroad", "curve", "dale", "dam", "divide", "estate",
      "expressway", "extension", "fall", "ferry", "field", "flat", "ford", "forest", "forge", "fork", "fort", "freeway", "gateway", "glen",
      "grove", "harbor", "harbour", "haven", "height", "hollow", "inlet", "island", "isle", "junction", "key", "knoll", "lake", "landing",
      "light", "loaf", "lock", "lodge", "loop", "mall", "manor", "meadow", "mill", "mission", "motorway", "mount", "mountain", "neck",
      "orchard", "oval", "overpass", "pass", "passage", "path", "pike", "pine", "plain", "point", "port", "prairie", "radial", "ramp",
      "ranch", "rapid", "rest", "ridge", "river", "route", "rue", "run", "shoal", "shore", "skyway", "spring", "spur", "station",
      "stravenue", "stream", "summit", "throughway", "trace", "track", "trafficway", "tunnel", "turnpike", "underpass", "union", "valley",
      "viaduct", "village", "ville", "vista", "wall", "well", "wharf");
  /** Words after which a house number starts an address even without a street type. */
  private static final Set<String> ADDRESS_CUES = Set.of("at", "address", "addresses");
  private static final Set<String> UNITS = Set.of("apt", "apartment", "suite", "ste", "unit", "flat", "floor", "fl", "room");
  private static final String[] BIRTH_CUES = {"born", "birth", "birthday", "birthdate", "dob", "b"};
  private static final List<String> MONTHS = List.of("january", "february", "march", "april", "may", "june", "july", "august", "september",
      "october", "november", "december");
  /** How many tokens a cue may sit before the date of birth it introduces. */
  private static final int BIRTH_CUE_REACH = 8;
  /** After {@link #NOT_NAMES}, which it leaves out. */
  private static final Set<String> FIRST_NAMES = firstNames();

  private PersonalData() {}

  private static Set<String> firstNames() {
    Set<String> names = new HashSet<>();
    // the Moby word list's given names: first-names.txt holds women's, middle-names.txt men's
    for (String file : List.of("first-names.txt", "middle-names.txt")) {
      try (InputStream in = PersonalData.class.getResourceAsStream("/dev/sluice/guardrails/" + file)) {
        if (in == null) {
          throw new IllegalStateException(file + " is missing from the sluice-guardrails jar");
        }
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          String name = line.strip().toLowerCase(Locale.ROOT);
          if (!name.isEmpty() && !NOT_NAMES.contains(name)) {
            names.add(name);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return Set.copyOf(names);
  }

  /** Every name, street address and date of birth in {@code text}, in token order (they may overlap; the caller resolves). */
  public static void find(String text, List<Found> out) {
    Words w = new Words(text);
    int lastBirthCue = -BIRTH_CUE_REACH - 1;
    for (int i = 0; i < w.size(); i++) {
      // most words are none of the cues and no given name: a cue is at most 9 letters, a name is capitalised
      if (w.isWord(i) && (w.isCapitalised(i) || mayBeCue(w, i))) {
        int cue = cue(w, i);
        if (cue == BIRTH && (!w.is(i, "b") || w.is(i + 1, '.'))) {
          lastBirthCue = i;
        }
        int after = nameCue(w, i, cue);
        if (after > 0) {
          int end = nameWords(w, after, cue != DEAR && cue != TITLE);
          if (end > after) {
            out.add(new Found("person", w.start(after), w.end(end - 1)));
            i = end - 1;
            continue;
          }
        }
        if (w.isCapitalised(i) && w.adjacent(i) && w.isCapitalised(i + 1)) {
          int j = i + 1;
          if (w.end(j) - w.start(j) == 1 && w.is(j + 1, '.')) {
            j += 2; // a middle initial
          }
          // the dictionary is read last: most capitalised words are not followed by another
          if (w.isCapitalised(j) && w.end(j) - w.start(j) > 1 && w.adjacent(j - 1) && FIRST_NAMES.contains(w.lower(i))
              && !NOT_NAMES.contains(w.lower(j))) {
            out.add(new Found("person", w.start(i), w.end(j)));
            i = j;
            continue;
          }
        }
      } else if (w.kind(i) == Words.NUMBER) {
        int end = street(w, i);
        if (end > i) {
          out.add(new Found("street_address", w.start(i), w.end(end)));
          i = end;
          continue;
        }
      }
      if (i - lastBirthCue <= BIRTH_CUE_REACH) {
        int end = date(w, i);
        if (end >= i) {
          out.add(new Found("date_of_birth", w.start(i), w.end(end)));
          lastBirthCue = -BIRTH_CUE_REACH - 1;
          i = end;
        }
      }
    }
  }

  /** Whether word {@code i} may be a cue (all of which are at most 9 letters and start with b, d, m, n, p or s): cheap, no copy. */
  private static boolean mayBeCue(Words w, int i) {
    if (w.end(i) - w.start(i) > 9) {
      return false;
    }
    char c = Character.toLowerCase(w.text().charAt(w.start(i)));
    return c == 'b' || c == 'd' || c == 'm' || c == 'n' || c == 'p' || c == 's';
  }

  private static final int NONE = 0;
  private static final int BIRTH = 1;
  private static final int TITLE = 2;
  private static final int DEAR = 3;
  private static final int NAME = 4;
  private static final int ME = 5;

  /** Which cue word {@code i} is ({@link #NONE} if none): only the cues starting with its first letter are compared. */
  private static int cue(Words w, int i) {
    return switch (w.text().charAt(w.start(i)) | 0x20) {
      case 'b' -> isOneOf(w, i, BIRTH_CUES) ? BIRTH : NONE;
      case 'd' -> w.is(i, "dob") ? BIRTH : w.is(i, "dr") ? TITLE : w.is(i, "dear") ? DEAR : NONE;
      case 'm' -> w.is(i, "me") ? ME : isOneOf(w, i, TITLES) ? TITLE : NONE;
      case 'n' -> w.is(i, "name") ? NAME : NONE;
      case 'p', 's' -> isOneOf(w, i, TITLES) ? TITLE : NONE;
      default -> NONE;
    };
  }

  /** After a name cue ending at token {@code i}: the token the name starts at, else -1. */
  private static int nameCue(Words w, int i, int cue) {
    return switch (cue) {
      case TITLE -> w.is(i + 1, '.') ? i + 2 : i + 1;
      case DEAR -> i + 1;
      case NAME -> w.is(i + 1, ':') || (w.is(i + 1, "is") && (w.is(i - 1, "my") || w.is(i - 1, "full"))) ? i + 2 : -1;
      case ME -> w.is(i - 1, "call") ? i + 1 : -1;
      default -> -1;
    };
  }

  /** Whether word {@code i} is one of {@code words} (lower case), ignoring case, without a copy of it. */
  private static boolean isOneOf(Words w, int i, String[] words) {
    for (int k = 0; k < words.length; k++) {
      if (w.is(i, words[k])) {
        return true;
      }
    }
    return false;
  }

  /** The end (exclusive) of up to three name words from {@code from}; lower-case words only when {@code anyCase}. */
  private static int nameWords(Words w, int from, boolean anyCase) {
    int j = from;
    while (j < from + 3 && w.isWord(j) && !NOT_NAMES.contains(w.lower(j)) && (anyCase || w.isCapitalised(j))
        && (j == from || w.adjacent(j - 1))) {
      j++;
    }
    return j;
  }

  private static boolean isStreetType(Words w, int i) {
    String lower = w.lower(i);
    String singular = lower.endsWith("s") ? lower.substring(0, lower.length() - 1) : lower;
    if (STREET_TYPES.contains(lower) || (w.isCapitalised(i) && STREET_TYPES.contains(singular))) {
      return true;
    }
    return w.isCapitalised(i) && (STREET_TYPES_CAPITALISED.contains(lower) || STREET_TYPES_CAPITALISED.contains(singular));
  }

  /**
   * A street address starting at number token {@code i}: its last token, else -1. A house number,
   * then up to four words ending in a street type; or, after "at" or "address", a house number and
   * up to three capitalised words (with a number after them). An apartment, suite or unit follows.
   */
  private static int street(Words w, int i) {
    if (w.end(i) - w.start(i) > 6) {
      return -1;
    }
    for (int j = i + 1; j <= i + 5 && w.isWord(j); j++) {
      if (j > i + 1 && isStreetType(w, j)) {
        return unit(w, w.is(j + 1, '.') ? j + 1 : j);
      }
      if (NOT_NAMES.contains(w.lower(j)) && !w.is(j, "the")) {
        break;
      }
    }
    int cue = w.is(i - 1, ':') ? i - 2 : i - 1;
    if (w.isWord(cue) && ADDRESS_CUES.contains(w.lower(cue))) {
      int j = i + 1;
      while (j <= i + 3 && w.isCapitalised(j) && !NOT_NAMES.contains(w.lower(j))) {
        j++;
      }
      if (j > i + 1) {
        int end = j < w.size() && w.kind(j) == Words.NUMBER && w.adjacent(j - 1) ? j : j - 1;
        return unit(w, end);
      }
    }
    return -1;
  }

  /** The address ending at token {@code end}, extended by an apartment, suite or unit number after it. */
  private static int unit(Words w, int end) {
    int k = w.is(end + 1, ',') ? end + 2 : end + 1;
    if (w.isWord(k) && UNITS.contains(w.lower(k))) {
      int n = w.is(k + 1, '.') ? k + 2 : k + 1;
      if (n < w.size() && w.kind(n) == Words.NUMBER) {
        return n;
      }
    } else if (w.is(k, '#') && k + 1 < w.size() && w.kind(k + 1) == Words.NUMBER) {
      return k + 1;
    }
    return end;
  }

  /** A date starting at token {@code i}: its last token, else -1. */
  private static int date(Words w, int i) {
    if (w.kind(i) == Words.NUMBER) {
      // 12/31/1990, 31.12.90, 1990-12-31
      if (i + 4 < w.size() && w.kind(i + 2) == Words.NUMBER && w.kind(i + 4) == Words.NUMBER) {
        char sep = w.text().charAt(w.start(i + 1));
        if ((sep == '/' || sep == '-' || sep == '.') && w.is(i + 3, sep) && w.is(i + 1, sep)
            && plausibleNumericDate(w.token(i), w.token(i + 2), w.token(i + 4))) {
          return i + 4;
        }
      }
      // 31 December 1990, 31st of Dec 1990
      int j = w.is(i + 1, "of") ? i + 2 : i + 1;
      if (day(w.token(i)) && month(w, j) && i + 1 < w.size()) {
        int y = w.is(j + 1, '.') ? j + 2 : j + 1;
        y = w.is(y, ',') ? y + 1 : y;
        return year(w, y) ? y : -1;
      }
      return -1;
    }
    // December 31, 1990
    if (month(w, i)) {
      int d = w.is(i + 1, '.') ? i + 2 : i + 1;
      if (d < w.size() && w.kind(d) == Words.NUMBER && day(w.token(d))) {
        int y = w.is(d + 1, ',') ? d + 2 : d + 1;
        return year(w, y) ? y : d;
      }
    }
    return -1;
  }

  private static boolean plausibleNumericDate(String a, String b, String c) {
    if (!digits(a) || !digits(b) || !digits(c)) {
      return false;
    }
    if (a.length() == 4) {
      return b.length() <= 2 && c.length() <= 2 && Integer.parseInt(b) >= 1 && Integer.parseInt(b) <= 12 && day(c);
    }
    if (a.length() > 2 || b.length() > 2 || (c.length() != 2 && c.length() != 4)) {
      return false;
    }
    int x = Integer.parseInt(a);
    int y = Integer.parseInt(b);
    return x >= 1 && y >= 1 && ((x <= 12 && y <= 31) || (x <= 31 && y <= 12));
  }

  private static boolean digits(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  private static boolean day(String token) {
    String d = token.replaceAll("(?i)(st|nd|rd|th)$", "");
    return !d.isEmpty() && d.length() <= 2 && digits(d) && Integer.parseInt(d) >= 1 && Integer.parseInt(d) <= 31;
  }

  private static boolean month(Words w, int i) {
    if (!w.isWord(i)) {
      return false;
    }
    String m = w.lower(i);
    for (String month : MONTHS) {
      if (m.equals(month) || (m.length() == 3 && month.startsWith(m)) || (m.equals("sept"))) {
        return true;
      }
    }
    return false;
  }

  private static boolean year(Words w, int i) {
    if (i >= w.size() || w.kind(i) != Words.NUMBER) {
      return false;
    }
    String y = w.token(i);
    return y.length() == 4 && digits(y) && (y.startsWith("19") || y.startsWith("20"));
  }
}
