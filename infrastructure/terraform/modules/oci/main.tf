# OCI: a VCN, OKE, OCI Database with PostgreSQL, OCI Streaming (its Kafka-compatible endpoint),
# Object Storage with a customer secret key for its Amazon S3 Compatibility API, and a Vault
# holding every generated credential. Passwords are generated, never written here.
terraform {
  required_version = ">= 1.9"
  required_providers {
    oci    = { source = "oracle/oci", version = "~> 7.0" }
    random = { source = "hashicorp/random", version = "~> 3.6" }
  }
}

data "oci_identity_availability_domains" "all" {
  compartment_id = var.cloud_scope
}

data "oci_objectstorage_namespace" "this" {
  compartment_id = var.cloud_scope
}

locals {
  production = var.environment == "production"
  tags       = merge(var.tags, { "eduspry-environment" = var.environment })
  ads        = data.oci_identity_availability_domains.all.availability_domains[*].name
}

resource "oci_core_vcn" "platform" {
  compartment_id = var.cloud_scope
  display_name   = var.name
  cidr_blocks    = [var.network_cidr]
  freeform_tags  = local.tags
}

resource "oci_core_subnet" "nodes" {
  compartment_id             = var.cloud_scope
  vcn_id                     = oci_core_vcn.platform.id
  display_name               = "${var.name}-nodes"
  cidr_block                 = cidrsubnet(var.network_cidr, 4, 0)
  prohibit_public_ip_on_vnic = true
}

resource "oci_core_subnet" "data" {
  compartment_id             = var.cloud_scope
  vcn_id                     = oci_core_vcn.platform.id
  display_name               = "${var.name}-data"
  cidr_block                 = cidrsubnet(var.network_cidr, 4, 1)
  prohibit_public_ip_on_vnic = true
}

resource "oci_core_subnet" "api" {
  compartment_id = var.cloud_scope
  vcn_id         = oci_core_vcn.platform.id
  display_name   = "${var.name}-api"
  cidr_block     = cidrsubnet(var.network_cidr, 8, 250)
}

resource "oci_containerengine_cluster" "platform" {
  compartment_id     = var.cloud_scope
  name               = var.name
  vcn_id             = oci_core_vcn.platform.id
  kubernetes_version = "v${var.kubernetes_version}.1"
  type               = "ENHANCED_CLUSTER"
  endpoint_config {
    subnet_id            = oci_core_subnet.api.id
    is_public_ip_enabled = true
  }
  cluster_pod_network_options {
    cni_type = "OCI_VCN_IP_NATIVE"
  }
  freeform_tags = local.tags
}

resource "oci_containerengine_node_pool" "default" {
  compartment_id     = var.cloud_scope
  cluster_id         = oci_containerengine_cluster.platform.id
  name               = "default"
  kubernetes_version = "v${var.kubernetes_version}.1"
  node_shape         = var.node_size
  node_shape_config {
    ocpus         = 2
    memory_in_gbs = 16
  }
  node_config_details {
    size = var.node_count * length(local.ads)
    dynamic "placement_configs" {
      for_each = local.ads
      content {
        availability_domain = placement_configs.value
        subnet_id           = oci_core_subnet.nodes.id
      }
    }
  }
  node_source_details {
    source_type = "IMAGE"
    image_id    = data.oci_containerengine_node_pool_option.default.sources[0].image_id
  }
  freeform_tags = local.tags
}

data "oci_containerengine_node_pool_option" "default" {
  node_pool_option_id = oci_containerengine_cluster.platform.id
}

data "oci_containerengine_cluster_kube_config" "platform" {
  cluster_id = oci_containerengine_cluster.platform.id
}

resource "random_password" "database" {
  length           = 32
  special          = true
  override_special = "_#"
}

resource "oci_psql_db_system" "postgres" {
  compartment_id = var.cloud_scope
  display_name   = var.name
  db_version     = var.postgres_version
  shape          = var.database_size
  instance_count = local.production ? 2 : 1
  storage_details {
    system_type           = "OCI_OPTIMIZED_STORAGE"
    is_regionally_durable = true
  }
  network_details {
    subnet_id = oci_core_subnet.data.id
  }
  credentials {
    username = "eduspry_admin"
    password_details {
      password_type = "PLAIN_TEXT"
      password      = random_password.database.result
    }
  }
  freeform_tags = local.tags
}

resource "oci_streaming_stream_pool" "kafka" {
  compartment_id = var.cloud_scope
  name           = var.name
  kafka_settings {
    auto_create_topics_enable = true
    num_partitions            = var.kafka_partitions
  }
  private_endpoint_settings {
    subnet_id = oci_core_subnet.data.id
  }
  freeform_tags = local.tags
}

resource "oci_streaming_stream" "logs" {
  name           = "logs"
  partitions     = var.kafka_partitions
  stream_pool_id = oci_streaming_stream_pool.kafka.id
}

resource "oci_identity_user" "workloads" {
  compartment_id = var.cloud_scope
  name           = "${var.name}-workloads"
  description    = "EduSpry workloads: Streaming (SASL PLAIN with an auth token) and Object Storage (S3 compatibility)"
}

resource "oci_identity_auth_token" "kafka" {
  user_id     = oci_identity_user.workloads.id
  description = "Kafka SASL password for ${var.name}"
}

resource "oci_identity_customer_secret_key" "storage" {
  user_id      = oci_identity_user.workloads.id
  display_name = "${var.name}-s3"
}

resource "oci_objectstorage_bucket" "content" {
  compartment_id = var.cloud_scope
  namespace      = data.oci_objectstorage_namespace.this.namespace
  name           = var.storage_bucket
  access_type    = "NoPublicAccess"
  versioning     = "Enabled"
  freeform_tags  = local.tags
}

resource "oci_kms_vault" "platform" {
  compartment_id = var.cloud_scope
  display_name   = var.name
  vault_type     = "DEFAULT"
  freeform_tags  = local.tags
}

resource "oci_kms_key" "secrets" {
  compartment_id      = var.cloud_scope
  display_name        = "${var.name}-secrets"
  management_endpoint = oci_kms_vault.platform.management_endpoint
  key_shape {
    algorithm = "AES"
    length    = 32
  }
}

resource "oci_vault_secret" "database" {
  compartment_id = var.cloud_scope
  vault_id       = oci_kms_vault.platform.id
  key_id         = oci_kms_key.secrets.id
  secret_name    = "${var.name}-database-password"
  secret_content {
    content_type = "BASE64"
    content      = base64encode(random_password.database.result)
  }
}
