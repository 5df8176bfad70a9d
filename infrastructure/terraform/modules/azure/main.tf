# Azure: a resource group and VNet, AKS, Azure Database for PostgreSQL Flexible Server (private,
# VNet-integrated), Event Hubs with its Kafka endpoint, Blob Storage, and Key Vault holding every
# generated credential. Passwords are generated, never written here.
terraform {
  required_version = ">= 1.9"
  required_providers {
    azurerm = { source = "hashicorp/azurerm", version = "~> 4.0" }
    random  = { source = "hashicorp/random", version = "~> 3.6" }
  }
}

data "azurerm_client_config" "current" {}

locals {
  production     = var.environment == "production"
  tags           = merge(var.tags, { "eduspry-environment" = var.environment })
  resource_group = var.cloud_scope != "" ? var.cloud_scope : var.name
  compact_name   = substr(replace(var.name, "-", ""), 0, 20)
}

resource "azurerm_resource_group" "platform" {
  name     = local.resource_group
  location = var.region
  tags     = local.tags
}

resource "azurerm_virtual_network" "platform" {
  name                = var.name
  location            = var.region
  resource_group_name = azurerm_resource_group.platform.name
  address_space       = [var.network_cidr]
  tags                = local.tags
}

resource "azurerm_subnet" "nodes" {
  name                 = "nodes"
  resource_group_name  = azurerm_resource_group.platform.name
  virtual_network_name = azurerm_virtual_network.platform.name
  address_prefixes     = [cidrsubnet(var.network_cidr, 4, 0)]
}

resource "azurerm_subnet" "database" {
  name                 = "database"
  resource_group_name  = azurerm_resource_group.platform.name
  virtual_network_name = azurerm_virtual_network.platform.name
  address_prefixes     = [cidrsubnet(var.network_cidr, 8, 200)]
  delegation {
    name = "postgres"
    service_delegation {
      name    = "Microsoft.DBforPostgreSQL/flexibleServers"
      actions = ["Microsoft.Network/virtualNetworks/subnets/join/action"]
    }
  }
}

resource "azurerm_kubernetes_cluster" "platform" {
  name                      = var.name
  location                  = var.region
  resource_group_name       = azurerm_resource_group.platform.name
  dns_prefix                = var.name
  kubernetes_version        = var.kubernetes_version
  oidc_issuer_enabled       = true
  workload_identity_enabled = true
  default_node_pool {
    name                 = "default"
    vm_size              = var.node_size
    vnet_subnet_id       = azurerm_subnet.nodes.id
    zones                = ["1", "2", "3"]
    auto_scaling_enabled = true
    min_count            = var.node_count * 3
    max_count            = var.node_count_max * 3
  }
  identity {
    type = "SystemAssigned"
  }
  network_profile {
    network_plugin = "azure"
    network_policy = "cilium"
    network_data_plane = "cilium"
  }
  tags = local.tags
}

resource "azurerm_private_dns_zone" "postgres" {
  name                = "${var.name}.postgres.database.azure.com"
  resource_group_name = azurerm_resource_group.platform.name
}

resource "azurerm_private_dns_zone_virtual_network_link" "postgres" {
  name                  = var.name
  resource_group_name   = azurerm_resource_group.platform.name
  private_dns_zone_name = azurerm_private_dns_zone.postgres.name
  virtual_network_id    = azurerm_virtual_network.platform.id
}

resource "random_password" "database" {
  length  = 32
  special = false
}

resource "azurerm_postgresql_flexible_server" "postgres" {
  name                          = var.name
  location                      = var.region
  resource_group_name           = azurerm_resource_group.platform.name
  version                       = var.postgres_version
  sku_name                      = var.database_size
  storage_mb                    = var.database_storage_gb * 1024
  delegated_subnet_id           = azurerm_subnet.database.id
  private_dns_zone_id           = azurerm_private_dns_zone.postgres.id
  public_network_access_enabled = false
  administrator_login           = "eduspry_admin"
  administrator_password        = random_password.database.result
  backup_retention_days         = local.production ? 14 : 7
  dynamic "high_availability" {
    for_each = local.production ? [1] : []
    content {
      mode = "ZoneRedundant"
    }
  }
  depends_on = [azurerm_private_dns_zone_virtual_network_link.postgres]
  tags       = local.tags
}

resource "azurerm_postgresql_flexible_server_database" "eduspry" {
  name      = "eduspry"
  server_id = azurerm_postgresql_flexible_server.postgres.id
}

# Event Hubs speaks the Kafka protocol on port 9093 (Standard tier and up); each topic is an event hub.
resource "azurerm_eventhub_namespace" "kafka" {
  name                = var.name
  location            = var.region
  resource_group_name = azurerm_resource_group.platform.name
  sku                 = local.production ? "Premium" : "Standard"
  capacity            = 1
  tags                = local.tags
}

resource "azurerm_eventhub" "logs" {
  name              = "logs"
  namespace_id      = azurerm_eventhub_namespace.kafka.id
  partition_count   = var.kafka_partitions
  message_retention = 7
}

resource "azurerm_eventhub_namespace_authorization_rule" "platform" {
  name                = "eduspry"
  namespace_name      = azurerm_eventhub_namespace.kafka.name
  resource_group_name = azurerm_resource_group.platform.name
  listen              = true
  send                = true
  manage              = true
}

resource "azurerm_storage_account" "content" {
  name                            = local.compact_name
  location                        = var.region
  resource_group_name             = azurerm_resource_group.platform.name
  account_tier                    = "Standard"
  account_replication_type        = local.production ? "ZRS" : "LRS"
  min_tls_version                 = "TLS1_2"
  allow_nested_items_to_be_public = false
  tags                            = local.tags
}

resource "azurerm_storage_container" "content" {
  name                  = var.storage_bucket
  storage_account_id    = azurerm_storage_account.content.id
  container_access_type = "private"
}

resource "azurerm_key_vault" "platform" {
  name                      = local.compact_name
  location                  = var.region
  resource_group_name       = azurerm_resource_group.platform.name
  tenant_id                 = data.azurerm_client_config.current.tenant_id
  sku_name                  = "standard"
  purge_protection_enabled  = local.production
  enable_rbac_authorization = true
  tags                      = local.tags
}

resource "azurerm_key_vault_secret" "database" {
  name         = "database-password"
  key_vault_id = azurerm_key_vault.platform.id
  value        = random_password.database.result
}

resource "azurerm_key_vault_secret" "kafka" {
  name         = "kafka-connection-string"
  key_vault_id = azurerm_key_vault.platform.id
  value        = azurerm_eventhub_namespace_authorization_rule.platform.primary_connection_string
}
