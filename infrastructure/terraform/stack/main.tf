# The one root configuration of every environment: a cloud module chosen by var.cloud (all four
# take and give the same names) and modules/eduspry installing the chart on what it made. An
# environment is a backend and a variables file in environments/<name>/:
#   terraform -chdir=infrastructure/terraform/stack init -backend-config=../environments/staging/backend.hcl
#   terraform -chdir=infrastructure/terraform/stack apply -var-file=../environments/staging/terraform.tfvars
terraform {
  required_version = ">= 1.9"
  required_providers {
    aws        = { source = "hashicorp/aws", version = "~> 6.0" }
    azurerm    = { source = "hashicorp/azurerm", version = "~> 4.0" }
    google     = { source = "hashicorp/google", version = "~> 6.20" }
    oci        = { source = "oracle/oci", version = "~> 7.0" }
    helm       = { source = "hashicorp/helm", version = "~> 3.0" }
    kubernetes = { source = "hashicorp/kubernetes", version = "~> 2.35" }
    local      = { source = "hashicorp/local", version = "~> 2.5" }
  }
  # Remote state, configured per environment (environments/<name>/backend.hcl). For azurerm or gcs
  # state, change the backend type here; OCI's Object Storage works with "s3".
  backend "s3" {}
}

provider "aws" {
  region = var.region
}

provider "azurerm" {
  features {}
}

provider "google" {
  region = var.region
}

provider "oci" {
  region = var.region
}

provider "kubernetes" {
  config_path = local_sensitive_file.kubeconfig.filename
}

provider "helm" {
  kubernetes = {
    config_path = local_sensitive_file.kubeconfig.filename
  }
}

locals {
  name = "eduspry-${var.environment}"
  platform = one(concat(module.aws, module.azure, module.gcp, module.oci))
}

module "aws" {
  source              = "../../modules/aws"
  count               = var.cloud == "aws" ? 1 : 0
  name                = local.name
  environment         = var.environment
  region              = var.region
  cloud_scope         = var.cloud_scope
  node_size           = var.node_size
  node_count          = var.node_count
  database_size       = var.database_size
  storage_bucket      = "${local.name}-content"
  tags                = var.tags
}

module "azure" {
  source              = "../../modules/azure"
  count               = var.cloud == "azure" ? 1 : 0
  name                = local.name
  environment         = var.environment
  region              = var.region
  cloud_scope         = var.cloud_scope
  node_size           = var.node_size
  node_count          = var.node_count
  database_size       = var.database_size
  storage_bucket      = "content"
  tags                = var.tags
}

module "gcp" {
  source              = "../../modules/gcp"
  count               = var.cloud == "gcp" ? 1 : 0
  name                = local.name
  environment         = var.environment
  region              = var.region
  cloud_scope         = var.cloud_scope
  node_size           = var.node_size
  node_count          = var.node_count
  database_size       = var.database_size
  storage_bucket      = "${local.name}-content"
  tags                = var.tags
}

module "oci" {
  source              = "../../modules/oci"
  count               = var.cloud == "oci" ? 1 : 0
  name                = local.name
  environment         = var.environment
  region              = var.region
  cloud_scope         = var.cloud_scope
  node_size           = var.node_size
  node_count          = var.node_count
  database_size       = var.database_size
  storage_bucket      = "${local.name}-content"
  tags                = var.tags
}

resource "local_sensitive_file" "kubeconfig" {
  filename = "${path.root}/.kubeconfig"
  content  = local.platform.kubeconfig
}

module "eduspry" {
  source            = "../../modules/eduspry"
  cloud             = var.cloud
  environment       = var.environment
  kubeconfig        = local.platform.kubeconfig
  database_url      = local.platform.database_url
  kafka_brokers     = local.platform.kafka_brokers
  kafka_auth        = local.platform.kafka_auth
  storage_endpoint  = local.platform.storage_endpoint
  storage_bucket    = local.platform.storage_bucket
  storage_region    = local.platform.storage_region
  image_registry    = var.image_registry
  image_tag         = var.image_tag
  blue_green_active = var.blue_green_active
}
