output "namespace" {
  description = "Namespace the platform runs in."
  value       = kubernetes_namespace.eduspry.metadata[0].name
}

output "release" {
  description = "Name and revision of the Helm release."
  value       = "${helm_release.eduspry.name}@${helm_release.eduspry.metadata.revision}"
}
