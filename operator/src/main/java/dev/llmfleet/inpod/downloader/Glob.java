package dev.llmfleet.inpod.downloader;

import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Include/exclude patterns as huggingface_hub's allow_patterns/ignore_patterns apply them, so that
 * a pattern copied from a {@code snapshot_download} call selects the same files: Python's fnmatch
 * ({@code *} matches any characters including {@code /}, {@code ?} one character, {@code [seq]} and
 * {@code [!seq]}, case-sensitive, no escapes), and a pattern ending in {@code /} means "everything
 * under that folder".
 */
final class Glob {

  private Glob() {}

  /** Whether a repository path is selected: matches an include (if any) and no exclude. */
  static boolean selects(List<String> include, List<String> exclude, String path) {
    boolean included = include == null || include.stream().anyMatch(p -> matches(p, path));
    boolean excluded = exclude != null && exclude.stream().anyMatch(p -> matches(p, path));
    return included && !excluded;
  }

  static boolean matches(String glob, String path) {
    return compile(glob).test(path);
  }

  static Predicate<String> compile(String glob) {
    String pattern = glob.endsWith("/") ? glob + "*" : glob;
    return Pattern.compile(translate(pattern), Pattern.DOTALL).asMatchPredicate();
  }

  /** Python's fnmatch.translate, written for Java's regex syntax. */
  static String translate(String glob) {
    StringBuilder regex = new StringBuilder();
    int n = glob.length();
    int i = 0;
    while (i < n) {
      char c = glob.charAt(i++);
      if (c == '*') {
        regex.append(".*");
      } else if (c == '?') {
        regex.append('.');
      } else if (c == '[') {
        int end = closingBracket(glob, i);
        if (end < 0) {
          regex.append("\\[");
        } else {
          regex.append(characterClass(glob.substring(i, end)));
          i = end + 1;
        }
      } else {
        regex.append(quote(c));
      }
    }
    return regex.toString();
  }

  /** Index of the ']' closing a class that starts at {@code from}, or -1: then '[' is literal. */
  private static int closingBracket(String glob, int from) {
    int j = from;
    if (j < glob.length() && glob.charAt(j) == '!') {
      j++;
    }
    // A ']' right after '[' or '[!' is a member, not the end.
    if (j < glob.length() && glob.charAt(j) == ']') {
      j++;
    }
    return glob.indexOf(']', j);
  }

  private static String characterClass(String members) {
    boolean negated = members.startsWith("!");
    String set = negated ? members.substring(1) : members;
    StringBuilder out = new StringBuilder();
    for (int k = 0; k < set.length(); ) {
      char lo = set.charAt(k);
      if (k + 2 < set.length() && set.charAt(k + 1) == '-') {
        char hi = set.charAt(k + 2);
        // Python drops reversed ranges such as z-a; Java would reject the whole pattern.
        if (lo <= hi) {
          out.append(quote(lo)).append('-').append(quote(hi));
        }
        k += 3;
      } else {
        out.append(quote(lo));
        k++;
      }
    }
    if (out.length() == 0) {
      // An empty set matches nothing, its negation any one character, as in Python.
      return negated ? "." : "(?!)";
    }
    return (negated ? "[^" : "[") + out + "]";
  }

  // Letters and digits are literal in Java regex; any other character is literal once escaped.
  private static String quote(char c) {
    return Character.isLetterOrDigit(c) ? String.valueOf(c) : "\\" + c;
  }
}
