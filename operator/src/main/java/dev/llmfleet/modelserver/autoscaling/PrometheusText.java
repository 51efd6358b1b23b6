package dev.llmfleet.modelserver.autoscaling;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * A strict reader of the Prometheus text exposition format (version 0.0.4, and the OpenMetrics text
 * that servers send by content negotiation: a final "# EOF" line). It returns every sample line as
 * name, labels and value; comments (HELP, TYPE) are skipped. A line that is not a well-formed
 * sample fails the whole page: a half-read page would give a wrong load, and the autoscaler leaves
 * such a pod out instead. The Prometheus Java client (on the class path through Micrometer) only
 * writes this format, it has no reader.
 */
public final class PrometheusText {

  /** One sample line: {@code name{label="value",...} value [timestamp]}. */
  public record Sample(String name, Map<String, String> labels, double value) {}

  /** A page that is not in the text format. */
  public static final class ParseException extends Exception {
    ParseException(int line, String message) {
      super("line " + line + ": " + message);
    }
  }

  private PrometheusText() {}

  public static List<Sample> parse(String page) throws ParseException {
    List<Sample> samples = new ArrayList<>();
    String[] lines = page.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line =
          lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      samples.add(new LineReader(line, i + 1).sample());
    }
    return samples;
  }

  /**
   * The value of the first of {@code names} that has samples on the page: their sum for counts
   * (several engines or label sets on one server), their maximum for shares (the fullest KV cache
   * is the one that refuses work). Empty when none of the names is on the page.
   */
  public static OptionalDouble value(List<Sample> samples, List<String> names, boolean share) {
    for (String name : names) {
      List<Double> values =
          samples.stream()
              .filter(s -> s.name().equals(name))
              .map(Sample::value)
              .filter(v -> !v.isNaN())
              .toList();
      if (!values.isEmpty()) {
        return OptionalDouble.of(
            share
                ? values.stream().mapToDouble(Double::doubleValue).max().orElseThrow()
                : values.stream().mapToDouble(Double::doubleValue).sum());
      }
    }
    return OptionalDouble.empty();
  }

  /** The first of {@code names} present on the page. */
  public static Optional<String> presentName(List<Sample> samples, List<String> names) {
    return names.stream()
        .filter(n -> samples.stream().anyMatch(s -> s.name().equals(n)))
        .findFirst();
  }

  private static final class LineReader {
    private final String line;
    private final int number;
    private int pos;

    LineReader(String line, int number) {
      this.line = line;
      this.number = number;
    }

    Sample sample() throws ParseException {
      String name = name(true);
      Map<String, String> labels = new LinkedHashMap<>();
      if (peek() == '{') {
        pos++;
        labels(labels);
      }
      if (peek() != ' ' && peek() != '\t') {
        throw error("expected a space before the value");
      }
      skipBlanks();
      double value = number(token());
      skipBlanks();
      if (pos < line.length()) {
        String timestamp = token();
        try {
          Double.parseDouble(timestamp);
        } catch (NumberFormatException e) {
          throw error("bad timestamp " + timestamp);
        }
        skipBlanks();
        if (pos < line.length()) {
          throw error("unexpected text after the timestamp");
        }
      }
      return new Sample(name, Map.copyOf(labels), value);
    }

    private void labels(Map<String, String> labels) throws ParseException {
      skipBlanks();
      while (peek() != '}') {
        String label = name(false);
        skipBlanks();
        expect('=');
        skipBlanks();
        expect('"');
        StringBuilder value = new StringBuilder();
        while (true) {
          if (pos >= line.length()) {
            throw error("unterminated label value");
          }
          char c = line.charAt(pos++);
          if (c == '"') {
            break;
          }
          if (c == '\\') {
            if (pos >= line.length()) {
              throw error("unterminated escape");
            }
            char escaped = line.charAt(pos++);
            switch (escaped) {
              case '\\' -> value.append('\\');
              case '"' -> value.append('"');
              case 'n' -> value.append('\n');
              default -> throw error("bad escape \\" + escaped);
            }
          } else {
            value.append(c);
          }
        }
        if (labels.put(label, value.toString()) != null) {
          throw error("label " + label + " twice");
        }
        skipBlanks();
        if (peek() == ',') {
          pos++;
          skipBlanks();
        } else if (peek() != '}') {
          throw error("expected , or } in labels");
        }
      }
      pos++;
    }

    /** Metric names may hold colons (vllm:num_requests_running); label names may not. */
    private String name(boolean metric) throws ParseException {
      int start = pos;
      while (pos < line.length()) {
        char c = line.charAt(pos);
        boolean letter =
            (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (metric && c == ':');
        if (!(letter || (pos > start && c >= '0' && c <= '9'))) {
          break;
        }
        pos++;
      }
      if (pos == start) {
        throw error(metric ? "expected a metric name" : "expected a label name");
      }
      return line.substring(start, pos);
    }

    private double number(String text) throws ParseException {
      switch (text) {
        case "+Inf", "Inf" -> {
          return Double.POSITIVE_INFINITY;
        }
        case "-Inf" -> {
          return Double.NEGATIVE_INFINITY;
        }
        case "NaN" -> {
          return Double.NaN;
        }
        default -> {
          // Java also reads "Infinity", hex floats and a trailing "d"/"f": none of them is the
          // format's.
          if (!text.matches("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?")) {
            throw error("bad value " + text);
          }
          return Double.parseDouble(text);
        }
      }
    }

    private String token() throws ParseException {
      int start = pos;
      while (pos < line.length() && line.charAt(pos) != ' ' && line.charAt(pos) != '\t') {
        pos++;
      }
      if (pos == start) {
        throw error("expected a value");
      }
      return line.substring(start, pos);
    }

    private void expect(char c) throws ParseException {
      if (peek() != c) {
        throw error("expected " + c);
      }
      pos++;
    }

    private char peek() {
      return pos < line.length() ? line.charAt(pos) : '\0';
    }

    private void skipBlanks() {
      while (pos < line.length() && (line.charAt(pos) == ' ' || line.charAt(pos) == '\t')) {
        pos++;
      }
    }

    private ParseException error(String message) {
      return new ParseException(
          number, message + " in: " + (line.length() > 200 ? line.substring(0, 200) : line));
    }
  }
}
