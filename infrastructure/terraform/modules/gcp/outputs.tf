# The same outputs in every cloud module: what modules/eduspry needs to install the platform.
output "cluster_name" {
  description = "Name of the Kubernetes cluster."
  value       = google_container_cluster.platform.name
}

output "kubeconfig" {
  description = "A kubeconfig for the cluster (authenticates with gke-gcloud-auth-plugin, no static token)."
  sensitive   = true
  value = yamlencode({
    apiVersion      = "v1"
    kind            = "Config"
    current-context = var.name
    clusters        = [{ name = var.name, cluster = { server = "https://${google_container_cluster.platform.endpoint}", certificate-authority-data = google_container_cluster.platform.master_auth[0].cluster_ca_certificate } }]
    contexts        = [{ name = var.name, context = { cluster = var.name, user = var.name } }]
    users           = [{ name = var.name, user = { exec = { apiVersion = "client.authentication.k8s.io/v1beta1", command = "gke-gcloud-auth-plugin", provideClusterInfo = true } } }]
  })
}

output "database_host" {
  description = "Host name of the PostgreSQL server."
  value       = google_sql_database_instance.postgres.private_ip_address
}

output "database_url" {
  description = "Administrator URL of the platform database, for the migrations job only."
  sensitive   = true
  value       = "postgres://${google_sql_user.admin.name}:${urlencode(random_password.database.result)}@${google_sql_database_instance.postgres.private_ip_address}:5432/eduspry?sslmode=require"
}

output "kafka_brokers" {
  description = "Comma-separated Kafka bootstrap servers."
  value       = "bootstrap.${google_managed_kafka_cluster.kafka.cluster_id}.${var.region}.managedkafka.${local.project}.cloud.goog:9092"
}

output "kafka_auth" {
  description = "How clients authenticate to Kafka: mechanism, username, password, tls."
  sensitive   = true
  value = {
    mechanism = "plain"
    username  = google_service_account.workloads.email
    password  = google_service_account_key.kafka.private_key
    tls       = true
  }
}

output "storage_endpoint" {
  description = "S3-compatible endpoint of the object storage."
  value       = "https://storage.googleapis.com"
}

output "storage_bucket" {
  description = "Bucket holding course content."
  value       = google_storage_bucket.content.name
}

output "storage_region" {
  description = "Region to sign S3 requests for."
  value       = var.region
}

output "secrets_store" {
  description = "Where the platform's secrets live (External Secrets reads them from here)."
  value       = "gcp-secret-manager:${local.project}"
}

output "network_id" {
  description = "Id of the platform's network."
  value       = google_compute_network.platform.id
}
