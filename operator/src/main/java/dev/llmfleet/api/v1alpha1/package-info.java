/**
 * The llmfleet.dev/v1alpha1 API: custom resource classes only. The CRDs in {@code crds/} are
 * generated from these classes, so every validation rule and description lives here, next to its
 * field.
 */
package dev.llmfleet.api.v1alpha1;
