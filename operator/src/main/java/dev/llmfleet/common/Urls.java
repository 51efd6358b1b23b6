package dev.llmfleet.common;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * URLs as they may be shown (status, events, logs, printer columns): without userinfo ({@code
 * user:pass@}) and without query string or fragment, because both can be credentials (a presigned
 * object-store URL is one).
 */
public final class Urls {

  /** A URL inside free text, such as an exception's message: up to the next space or quote. */
  private static final Pattern URL_IN_TEXT =
      Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*://[^\\s\"'<>]+");

  private Urls() {}

  /**
   * {@code https://user:pass@host/x.gguf?X-Amz-Signature=...} becomes {@code https://host/x.gguf}.
   * Works on text that no URI parser accepts too, so that a malformed URL can still be named in the
   * message that refuses it.
   */
  public static String redact(String url) {
    if (url == null) {
      return null;
    }
    int end = url.length();
    for (char cut : new char[] {'?', '#'}) {
      int at = url.indexOf(cut);
      if (at >= 0 && at < end) {
        end = at;
      }
    }
    String kept = url.substring(0, end);
    int schemeEnd = kept.indexOf("://");
    int authorityStart = schemeEnd < 0 ? 0 : schemeEnd + 3;
    int authorityEnd = kept.indexOf('/', authorityStart);
    String authority =
        kept.substring(authorityStart, authorityEnd < 0 ? kept.length() : authorityEnd);
    int at = authority.lastIndexOf('@');
    if (at < 0) {
      return kept;
    }
    return kept.substring(0, authorityStart)
        + authority.substring(at + 1)
        + (authorityEnd < 0 ? "" : kept.substring(authorityEnd));
  }

  /**
   * Text with every URL in it redacted as {@link #redact}: for messages that quote URLs they did
   * not make.
   */
  public static String redactAll(String text) {
    return text == null
        ? null
        : URL_IN_TEXT.matcher(text).replaceAll(m -> Matcher.quoteReplacement(redact(m.group())));
  }
}
