package dev.llmfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import lombok.AllArgsConstructor;
import lombok.Data;
import lombok.NoArgsConstructor;

@Data
@NoArgsConstructor
@AllArgsConstructor
@JsonInclude(JsonInclude.Include.NON_NULL)
public class OutputLocation {

  @JsonPropertyDescription("PersistentVolumeClaim holding the result.")
  private String claimName;

  @JsonPropertyDescription("Folder inside the claim holding the result.")
  private String path;
}
