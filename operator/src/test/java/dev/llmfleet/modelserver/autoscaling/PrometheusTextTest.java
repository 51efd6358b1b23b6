package dev.llmfleet.modelserver.autoscaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {

  static final Path PAGES = Path.of("src", "test", "resources", "metrics");

  static String page(String name) throws IOException {
    return Files.readString(PAGES.resolve(name));
  }

  @Test
  void readsARecordedLlamaServerPage() throws Exception {
    List<PrometheusText.Sample> samples =
        PrometheusText.parse(page("llamacpp-busy-parallel1-4requests.txt"));

    assertThat(samples).hasSize(15);
    assertThat(PrometheusText.value(samples, List.of("llamacpp:requests_processing"), false))
        .hasValue(1);
    assertThat(PrometheusText.value(samples, List.of("llamacpp:requests_deferred"), false))
        .hasValue(3);
    assertThat(PrometheusText.value(samples, List.of("llamacpp:prompt_seconds_total"), false))
        .hasValue(0.346983);
  }

  @Test
  void readsLabelsHistogramsAndExponents() throws Exception {
    List<PrometheusText.Sample> samples = PrometheusText.parse(page("vllm-v1-busy.txt"));

    assertThat(samples)
        .filteredOn(s -> s.name().equals("vllm:num_requests_running"))
        .singleElement()
        .satisfies(
            s -> assertThat(s.labels()).isEqualTo(Map.of("engine", "0", "model_name", "qwen")));
    assertThat(samples)
        .filteredOn(s -> s.labels().getOrDefault("le", "").equals("+Inf"))
        .singleElement()
        .satisfies(s -> assertThat(s.value()).isEqualTo(118.0));
    assertThat(
            PrometheusText.value(
                PrometheusText.parse(page("sglang-busy.txt")),
                List.of("sglang:prompt_tokens_total"),
                false))
        .hasValue(8.128902e6);
  }

  @Test
  void sumsCountsAndTakesTheFullestShareAcrossLabelSets() throws Exception {
    List<PrometheusText.Sample> samples =
        PrometheusText.parse(
            String.join(
                "\n",
                "vllm:num_requests_waiting{engine=\"0\"} 2",
                "vllm:num_requests_waiting{engine=\"1\"} 3",
                "vllm:kv_cache_usage_perc{engine=\"0\"} 0.2",
                "vllm:kv_cache_usage_perc{engine=\"1\"} 0.7",
                ""));

    assertThat(PrometheusText.value(samples, List.of("vllm:num_requests_waiting"), false))
        .hasValue(5);
    assertThat(PrometheusText.value(samples, List.of("vllm:kv_cache_usage_perc"), true))
        .hasValue(0.7);
  }

  @Test
  void triesNamesInOrder() throws Exception {
    List<String> names = List.of("vllm:kv_cache_usage_perc", "vllm:gpu_cache_usage_perc");

    assertThat(PrometheusText.value(PrometheusText.parse(page("vllm-v0-busy.txt")), names, true))
        .hasValue(0.91);
    assertThat(PrometheusText.value(PrometheusText.parse(page("vllm-v1-busy.txt")), names, true))
        .hasValue(0.6234567);
    assertThat(PrometheusText.value(PrometheusText.parse(page("tgi-busy.txt")), names, true))
        .isEmpty();
  }

  @Test
  void readsEscapesTimestampsSpecialValuesAndOpenMetricsEof() throws Exception {
    List<PrometheusText.Sample> samples =
        PrometheusText.parse(
            String.join(
                "\r\n",
                "a{path=\"C:\\\\x\",q=\"say \\\"hi\\\"\",n=\"1\\n2\",} 1 1700000000000",
                "b NaN",
                "c +Inf",
                "d -Inf",
                "e -1.5e-3",
                "# EOF"));

    assertThat(samples.get(0).labels())
        .isEqualTo(Map.of("path", "C:\\x", "q", "say \"hi\"", "n", "1\n2"));
    assertThat(samples.get(1).value()).isNaN();
    assertThat(samples.get(2).value()).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(samples.get(3).value()).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(samples.get(4).value()).isEqualTo(-0.0015);
    assertThat(PrometheusText.value(samples, List.of("b"), false)).isEmpty();
  }

  @Test
  void refusesWhatIsNotTheFormat() {
    assertThatThrownBy(() -> PrometheusText.parse(page("broken.txt")))
        .isInstanceOf(PrometheusText.ParseException.class)
        .hasMessageContaining("line 3");
    for (String bad :
        List.of(
            "<html>",
            "a 1 2 3",
            "a{b=c} 1",
            "a{b=\"c\" 1",
            "a Infinity",
            "a 0x10",
            "a{b=\"\\x\"} 1",
            "a{b=\"1\",b=\"2\"} 1",
            "a",
            "9a 1",
            "a{1b=\"x\"} 1",
            "a{b:c=\"x\"} 1")) {
      assertThatThrownBy(() -> PrometheusText.parse(bad))
          .as(bad)
          .isInstanceOf(PrometheusText.ParseException.class);
    }
  }
}
