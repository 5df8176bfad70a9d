# The same outputs in every cloud module: what modules/eduspry needs to install the platform.
output "cluster_name" {
  description = "Name of the Kubernetes cluster."
  value       = oci_containerengine_cluster.platform.name
}

output "kubeconfig" {
  description = "A kubeconfig for the cluster (authenticates with the OCI CLI, no static token)."
  sensitive   = true
  value       = data.oci_containerengine_cluster_kube_config.platform.content
}

output "database_host" {
  description = "Host name of the PostgreSQL server."
  value       = oci_psql_db_system.postgres.network_details[0].primary_db_endpoint_private_ip
}

output "database_url" {
  description = "Administrator URL of the platform database, for the migrations job only."
  sensitive   = true
  value       = "postgres://eduspry_admin:${urlencode(random_password.database.result)}@${oci_psql_db_system.postgres.network_details[0].primary_db_endpoint_private_ip}:5432/postgres?sslmode=require"
}

output "kafka_brokers" {
  description = "Comma-separated Kafka bootstrap servers."
  value       = oci_streaming_stream_pool.kafka.kafka_settings[0].bootstrap_servers
}

output "kafka_auth" {
  description = "How clients authenticate to Kafka: mechanism, username, password, tls."
  sensitive   = true
  value = {
    mechanism = "plain"
    username  = "${data.oci_objectstorage_namespace.this.namespace}/${oci_identity_user.workloads.name}/${oci_streaming_stream_pool.kafka.id}"
    password  = oci_identity_auth_token.kafka.token
    tls       = true
  }
}

output "storage_endpoint" {
  description = "S3-compatible endpoint of the object storage."
  value       = "https://${data.oci_objectstorage_namespace.this.namespace}.compat.objectstorage.${var.region}.oraclecloud.com"
}

output "storage_bucket" {
  description = "Bucket holding course content."
  value       = oci_objectstorage_bucket.content.name
}

output "storage_region" {
  description = "Region to sign S3 requests for."
  value       = var.region
}

output "secrets_store" {
  description = "Where the platform's secrets live (External Secrets reads them from here)."
  value       = "oci-vault:${oci_kms_vault.platform.id}"
}

output "network_id" {
  description = "Id of the platform's network."
  value       = oci_core_vcn.platform.id
}
