output "cluster_name" {
  description = "The cluster the platform runs on."
  value       = local.platform.cluster_name
}

output "release" {
  description = "The Helm release installed."
  value       = module.eduspry.release
}
