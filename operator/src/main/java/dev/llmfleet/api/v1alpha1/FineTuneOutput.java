package dev.llmfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.llmfleet.api.v1alpha1.common.Storage;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import lombok.AllArgsConstructor;
import lombok.Data;
import lombok.NoArgsConstructor;

@Data
@NoArgsConstructor
@AllArgsConstructor
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(self.storage.accessMode) || self.storage.accessMode != 'ReadOnlyMany'",
    message =
        "output.storage.accessMode ReadOnlyMany cannot be used here: the trainer writes into the claim; use "
            + "ReadWriteOnce or ReadWriteMany")
public class FineTuneOutput {

  @JsonPropertyDescription(
      "Where the result lands, in <subPath>/ (default metadata.name); runs write into "
          + "<subPath>/.runs/<attempt>/ and a successful run is promoted. With size, the operator creates claim "
          + "<name>-output, which stays when the FineTuneJob is deleted: the result may be in use.")
  @Required
  private Storage storage;
}
