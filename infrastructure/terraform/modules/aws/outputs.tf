# The same outputs in every cloud module: what modules/eduspry needs to install the platform.
output "cluster_name" {
  description = "Name of the Kubernetes cluster."
  value       = module.eks.cluster_name
}

output "kubeconfig" {
  description = "A kubeconfig for the cluster (authenticates with the cloud CLI, no static token)."
  sensitive   = true
  value = yamlencode({
    apiVersion      = "v1"
    kind            = "Config"
    current-context = var.name
    clusters        = [{ name = var.name, cluster = { server = module.eks.cluster_endpoint, certificate-authority-data = module.eks.cluster_certificate_authority_data } }]
    contexts        = [{ name = var.name, context = { cluster = var.name, user = var.name } }]
    users = [{ name = var.name, user = { exec = {
      apiVersion = "client.authentication.k8s.io/v1beta1"
      command    = "aws"
      args       = ["eks", "get-token", "--cluster-name", module.eks.cluster_name, "--region", var.region]
    } } }]
  })
}

output "database_host" {
  description = "Host name of the PostgreSQL server."
  value       = aws_db_instance.postgres.address
}

output "database_url" {
  description = "Administrator URL of the platform database, for the migrations job only."
  sensitive   = true
  value       = "postgres://${aws_db_instance.postgres.username}:${urlencode(local.database_password)}@${aws_db_instance.postgres.address}:5432/eduspry?sslmode=require"
}

output "kafka_brokers" {
  description = "Comma-separated Kafka bootstrap servers."
  value       = aws_msk_cluster.kafka.bootstrap_brokers_sasl_scram
}

output "kafka_auth" {
  description = "How clients authenticate to Kafka: mechanism, username, password, tls."
  sensitive   = true
  value = {
    mechanism = "scram-sha-512"
    username  = "eduspry"
    password  = random_password.kafka.result
    tls       = true
  }
}

output "storage_endpoint" {
  description = "S3-compatible endpoint of the object storage."
  value       = "https://s3.${var.region}.amazonaws.com"
}

output "storage_bucket" {
  description = "Bucket holding course content."
  value       = aws_s3_bucket.content.bucket
}

output "storage_region" {
  description = "Region to sign S3 requests for."
  value       = var.region
}

output "secrets_store" {
  description = "Where the platform's secrets live (External Secrets reads them from here)."
  value       = "aws-secrets-manager:${var.region}"
}

output "network_id" {
  description = "Id of the platform's network."
  value       = module.vpc.vpc_id
}
