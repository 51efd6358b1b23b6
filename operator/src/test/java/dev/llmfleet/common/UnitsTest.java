package dev.llmfleet.common;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UnitsTest {

  @Test
  void formatsBytesInBinaryUnitsWithOneDecimal() {
    assertThat(Units.bytes(0)).isEqualTo("0 B");
    assertThat(Units.bytes(1023)).isEqualTo("1023 B");
    assertThat(Units.bytes(1024)).isEqualTo("1.0 KiB");
    assertThat(Units.bytes(1536)).isEqualTo("1.5 KiB");
    assertThat(Units.bytes(6L << 30)).isEqualTo("6.0 GiB");
    assertThat(Units.bytes(15_231_233_024L)).isEqualTo("14.2 GiB");
    assertThat(Units.bytes(Long.MAX_VALUE)).isEqualTo("8.0 EiB");
  }

  @Test
  void neverPrintsAThousandAndTwentyFourOfAUnit() {
    assertThat(Units.bytes((1L << 20) - 1)).isEqualTo("1.0 MiB");
  }

  @Test
  void formatsRatesAndDurations() {
    assertThat(Units.rate(100L << 20)).isEqualTo("100.0 MiB/s");
    assertThat(Units.duration(45)).isEqualTo("45s");
    assertThat(Units.duration(84)).isEqualTo("1m24s");
    assertThat(Units.duration(7380)).isEqualTo("2h03m");
  }
}
