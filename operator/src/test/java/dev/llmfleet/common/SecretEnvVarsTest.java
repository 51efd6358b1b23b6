package dev.llmfleet.common;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmfleet.api.v1alpha1.ModelServer;
import dev.llmfleet.api.v1alpha1.common.SecretEnv;
import dev.llmfleet.api.v1alpha1.common.SecretKeyRef;
import dev.llmfleet.api.v1alpha1.common.VaultSecretRef;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class SecretEnvVarsTest {

  @Test
  void everyEntryReadsTheSyncedSecretByVariableName() {
    ModelServer server = new ModelServer();
    server.setMetadata(new ObjectMetaBuilder().withName("chat").withNamespace("models").build());

    List<EnvVar> env =
        SecretEnvVars.of(
            server,
            List.of(
                SecretEnv.builder()
                    .name("HF_TOKEN")
                    .vault(VaultSecretRef.builder().path("llm/hf").key("token").build())
                    .build(),
                SecretEnv.builder()
                    .name("WANDB_API_KEY")
                    .secretKeyRef(new SecretKeyRef("wandb", "apiKey"))
                    .build()));

    assertThat(env).extracting(EnvVar::getName).containsExactly("HF_TOKEN", "WANDB_API_KEY");
    assertThat(env)
        .allSatisfy(
            e -> {
              assertThat(e.getValue()).isNull();
              assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("chat-secrets");
              assertThat(e.getValueFrom().getSecretKeyRef().getKey()).isEqualTo(e.getName());
              assertThat(e.getValueFrom().getSecretKeyRef().getOptional()).isFalse();
            });
    assertThat(SecretEnvVars.secretName(server)).isEqualTo("chat-secrets");
  }

  @Test
  void noSecretsNoVariables() {
    ModelServer server = new ModelServer();
    server.setMetadata(new ObjectMetaBuilder().withName("chat").build());

    assertThat(SecretEnvVars.of(server, null)).isEmpty();
    assertThat(SecretEnvVars.of(server, List.of())).isEmpty();
  }
}
