# The same outputs in every cloud module: what modules/eduspry needs to install the platform.
output "cluster_name" {
  description = "Name of the Kubernetes cluster."
  value       = azurerm_kubernetes_cluster.platform.name
}

output "kubeconfig" {
  description = "A kubeconfig for the cluster."
  sensitive   = true
  value       = azurerm_kubernetes_cluster.platform.kube_config_raw
}

output "database_host" {
  description = "Host name of the PostgreSQL server."
  value       = azurerm_postgresql_flexible_server.postgres.fqdn
}

output "database_url" {
  description = "Administrator URL of the platform database, for the migrations job only."
  sensitive   = true
  value       = "postgres://eduspry_admin:${urlencode(random_password.database.result)}@${azurerm_postgresql_flexible_server.postgres.fqdn}:5432/eduspry?sslmode=require"
}

output "kafka_brokers" {
  description = "Comma-separated Kafka bootstrap servers."
  value       = "${azurerm_eventhub_namespace.kafka.name}.servicebus.windows.net:9093"
}

output "kafka_auth" {
  description = "How clients authenticate to Kafka: mechanism, username, password, tls."
  sensitive   = true
  value = {
    mechanism = "plain"
    username  = "$ConnectionString"
    password  = azurerm_eventhub_namespace_authorization_rule.platform.primary_connection_string
    tls       = true
  }
}

output "storage_endpoint" {
  description = "Object storage endpoint; Blob Storage is reached through an S3-compatible gateway or the native adapter (infrastructure/README.md)."
  value       = azurerm_storage_account.content.primary_blob_endpoint
}

output "storage_bucket" {
  description = "Bucket (Blob container) holding course content."
  value       = azurerm_storage_container.content.name
}

output "storage_region" {
  description = "Region to sign S3 requests for."
  value       = var.region
}

output "secrets_store" {
  description = "Where the platform's secrets live (External Secrets reads them from here)."
  value       = "azure-key-vault:${azurerm_key_vault.platform.vault_uri}"
}

output "network_id" {
  description = "Id of the platform's network."
  value       = azurerm_virtual_network.platform.id
}
