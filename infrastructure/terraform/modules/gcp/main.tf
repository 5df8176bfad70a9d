# GCP: a VPC with private services access, GKE (Dataplane V2, Workload Identity), Cloud SQL for
# PostgreSQL on a private IP, Google Cloud Managed Service for Apache Kafka, Cloud Storage with
# an HMAC key for its S3-compatible XML API, and Secret Manager for every generated credential.
terraform {
  required_version = ">= 1.9"
  required_providers {
    google = { source = "hashicorp/google", version = "~> 6.20" }
    random = { source = "hashicorp/random", version = "~> 3.6" }
  }
}

locals {
  production = var.environment == "production"
  labels     = merge(var.tags, { eduspry-environment = var.environment })
  project    = var.cloud_scope
}

resource "google_compute_network" "platform" {
  project                 = local.project
  name                    = var.name
  auto_create_subnetworks = false
}

resource "google_compute_subnetwork" "nodes" {
  project       = local.project
  name          = "${var.name}-nodes"
  region        = var.region
  network       = google_compute_network.platform.id
  ip_cidr_range = cidrsubnet(var.network_cidr, 4, 0)
  secondary_ip_range {
    range_name    = "pods"
    ip_cidr_range = cidrsubnet(var.network_cidr, 2, 1)
  }
  secondary_ip_range {
    range_name    = "services"
    ip_cidr_range = cidrsubnet(var.network_cidr, 4, 1)
  }
}

resource "google_compute_global_address" "private_services" {
  project       = local.project
  name          = "${var.name}-private-services"
  purpose       = "VPC_PEERING"
  address_type  = "INTERNAL"
  prefix_length = 20
  network       = google_compute_network.platform.id
}

resource "google_service_networking_connection" "private_services" {
  network                 = google_compute_network.platform.id
  service                 = "servicenetworking.googleapis.com"
  reserved_peering_ranges = [google_compute_global_address.private_services.name]
}

resource "google_container_cluster" "platform" {
  project                  = local.project
  name                     = var.name
  location                 = var.region
  network                  = google_compute_network.platform.id
  subnetwork               = google_compute_subnetwork.nodes.id
  min_master_version       = var.kubernetes_version
  remove_default_node_pool = true
  initial_node_count       = 1
  datapath_provider        = "ADVANCED_DATAPATH"
  deletion_protection      = local.production
  ip_allocation_policy {
    cluster_secondary_range_name  = "pods"
    services_secondary_range_name = "services"
  }
  workload_identity_config {
    workload_pool = "${local.project}.svc.id.goog"
  }
  resource_labels = local.labels
}

resource "google_container_node_pool" "default" {
  project            = local.project
  name               = "default"
  location           = var.region
  cluster            = google_container_cluster.platform.name
  initial_node_count = var.node_count
  autoscaling {
    min_node_count = var.node_count
    max_node_count = var.node_count_max
  }
  node_config {
    machine_type = var.node_size
    workload_metadata_config {
      mode = "GKE_METADATA"
    }
    labels = local.labels
  }
}

resource "random_password" "database" {
  length  = 32
  special = false
}

resource "google_sql_database_instance" "postgres" {
  project             = local.project
  name                = var.name
  region              = var.region
  database_version    = "POSTGRES_${var.postgres_version}"
  deletion_protection = local.production
  settings {
    tier              = var.database_size
    disk_size         = var.database_storage_gb
    availability_type = local.production ? "REGIONAL" : "ZONAL"
    ip_configuration {
      ipv4_enabled    = false
      private_network = google_compute_network.platform.id
      ssl_mode        = "ENCRYPTED_ONLY"
    }
    backup_configuration {
      enabled                        = true
      point_in_time_recovery_enabled = local.production
    }
    user_labels = local.labels
  }
  depends_on = [google_service_networking_connection.private_services]
}

resource "google_sql_database" "eduspry" {
  project  = local.project
  name     = "eduspry"
  instance = google_sql_database_instance.postgres.name
}

resource "google_sql_user" "admin" {
  project  = local.project
  name     = "eduspry_admin"
  instance = google_sql_database_instance.postgres.name
  password = random_password.database.result
}

resource "google_managed_kafka_cluster" "kafka" {
  project    = local.project
  cluster_id = var.name
  location   = var.region
  capacity_config {
    vcpu_count   = local.production ? 6 : 3
    memory_bytes = local.production ? 25769803776 : 12884901888
  }
  gcp_config {
    access_config {
      network_configs {
        subnet = google_compute_subnetwork.nodes.id
      }
    }
  }
  labels = local.labels
}

resource "google_managed_kafka_topic" "logs" {
  project            = local.project
  cluster            = google_managed_kafka_cluster.kafka.cluster_id
  topic_id           = "logs"
  location           = var.region
  partition_count    = var.kafka_partitions
  replication_factor = 3
}

resource "google_service_account" "workloads" {
  project      = local.project
  account_id   = substr(var.name, 0, 28)
  display_name = "EduSpry workloads (${var.environment})"
}

resource "google_storage_bucket" "content" {
  project                     = local.project
  name                        = var.storage_bucket
  location                    = var.region
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = !local.production
  versioning {
    enabled = true
  }
  labels = local.labels
}

resource "google_storage_bucket_iam_member" "workloads" {
  bucket = google_storage_bucket.content.name
  role   = "roles/storage.objectAdmin"
  member = "serviceAccount:${google_service_account.workloads.email}"
}

# Managed Service for Apache Kafka takes SASL/PLAIN with the service account's email as the user
# and its key (base64 JSON, as the provider gives it) as the password: what the event bus speaks.
resource "google_service_account_key" "kafka" {
  service_account_id = google_service_account.workloads.name
}

# The S3-compatible XML API signs with an HMAC key of the workloads' service account.
resource "google_storage_hmac_key" "workloads" {
  project               = local.project
  service_account_email = google_service_account.workloads.email
}

resource "google_secret_manager_secret" "database" {
  project   = local.project
  secret_id = "${var.name}-database-password"
  replication {
    auto {}
  }
  labels = local.labels
}

resource "google_secret_manager_secret_version" "database" {
  secret      = google_secret_manager_secret.database.id
  secret_data = random_password.database.result
}

resource "google_secret_manager_secret" "storage" {
  project   = local.project
  secret_id = "${var.name}-storage-hmac"
  replication {
    auto {}
  }
  labels = local.labels
}

resource "google_secret_manager_secret_version" "storage" {
  secret      = google_secret_manager_secret.storage.id
  secret_data = jsonencode({ access_key_id = google_storage_hmac_key.workloads.access_id, secret_access_key = google_storage_hmac_key.workloads.secret })
}
