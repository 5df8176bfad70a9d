# Installs the Helm chart infrastructure/helm/eduspry on the cluster a cloud module made, with
# that cloud's values file and the cloud module's endpoints. Generates each service role's
# database password, puts it in that service's Secret, and hands all of them to the migrations
# hook (which sets them with ALTER ROLE after migrating), so no password is written anywhere.
# Generates the services' own secrets the same way and puts each in the Secret of every service
# that reads it.
terraform {
  required_version = ">= 1.9"
  required_providers {
    helm       = { source = "hashicorp/helm", version = "~> 3.0" }
    kubernetes = { source = "hashicorp/kubernetes", version = "~> 2.35" }
    random     = { source = "hashicorp/random", version = "~> 3.6" }
  }
}

locals {
  chart    = "${path.module}/../../../helm/eduspry"
  database = regex("^postgres(?:ql)?://[^@]+@(?P<host>[^/]+)/(?P<rest>.*)$", var.database_url)
  role_urls = {
    for name in var.services : name => "postgres://${replace(name, "-", "_")}:${random_password.role[name].result}@${local.database.host}/${local.database.rest}"
  }
  # The secrets each service reads, as PLATFORM (scripts/lib/platform.ts) lists them for
  # `npm start`; scripts/deploy/check-terraform.ts keeps the two equal. A name listed by several
  # services (REALTIME_SERVICE_KEY: the callers and realtime-service) is one value shared by all.
  service_secrets = {
    "auth-service"         = ["AUTH_KEY_ENCRYPTION_SECRET"]
    "content-service"      = ["CONTENT_SIGNING_SECRET"]
    "assessment-service"   = ["REALTIME_SERVICE_KEY"]
    "notification-service" = ["REALTIME_SERVICE_KEY", "NOTIFICATION_LINK_SECRET"]
    "realtime-service"     = ["REALTIME_SERVICE_KEY"]
  }
}

resource "random_password" "role" {
  for_each = toset(var.services)
  length   = 32
  special  = false
}

resource "random_password" "secret" {
  for_each = toset(flatten(values(local.service_secrets)))
  length   = 48
  special  = false
}

# It was its own resource before the other services' secrets were generated; moved, not
# regenerated, so the keys auth-service encrypted with it stay readable.
moved {
  from = random_password.auth_key_encryption
  to   = random_password.secret["AUTH_KEY_ENCRYPTION_SECRET"]
}

resource "kubernetes_namespace" "eduspry" {
  metadata {
    name = var.namespace
    labels = {
      "istio-injection" = "enabled"
    }
  }
}

# A service with secrets but no database role still gets its Secret (the chart reads one for it).
resource "kubernetes_secret" "service" {
  for_each = setunion(var.services, keys(local.service_secrets))
  metadata {
    name      = each.key
    namespace = kubernetes_namespace.eduspry.metadata[0].name
  }
  data = merge(
    contains(var.services, each.key) ? { DATABASE_URL = local.role_urls[each.key] } : {},
    { for name in lookup(local.service_secrets, each.key, []) : name => random_password.secret[name].result },
  )
}

# The edge runtime's Secret (the chart's edge-runtime block has `secret: true`): the webhooks
# function's per-tenant signing secrets and integration tokens, JSON objects keyed by tenant slug.
# Made empty (every incoming webhook refused); a district adds its SIS's entries with kubectl or
# an ExternalSecret, so Terraform leaves the data alone once the Secret exists.
resource "kubernetes_secret" "edge_runtime" {
  metadata {
    name      = "edge-runtime"
    namespace = kubernetes_namespace.eduspry.metadata[0].name
  }
  data = {
    INCOMING_WEBHOOK_SECRETS = "{}"
    INCOMING_WEBHOOK_TOKENS  = "{}"
  }
  lifecycle {
    ignore_changes = [data]
  }
}

resource "kubernetes_secret" "migrations" {
  metadata {
    name      = "eduspry-migrations"
    namespace = kubernetes_namespace.eduspry.metadata[0].name
  }
  data = merge(
    { DATABASE_URL = var.database_url },
    { for name in var.services : "ROLE_PASSWORD_${replace(name, "-", "_")}" => random_password.role[name].result },
  )
}

resource "kubernetes_secret" "kafka" {
  metadata {
    name      = "eduspry-kafka"
    namespace = kubernetes_namespace.eduspry.metadata[0].name
  }
  data = {
    KAFKA_SASL_MECHANISM = var.kafka_auth.mechanism
    KAFKA_SASL_USERNAME  = var.kafka_auth.username
    KAFKA_SASL_PASSWORD  = var.kafka_auth.password
    KAFKA_TLS            = tostring(var.kafka_auth.tls)
  }
}

resource "helm_release" "eduspry" {
  name             = "eduspry"
  namespace        = kubernetes_namespace.eduspry.metadata[0].name
  chart            = local.chart
  values           = [file("${local.chart}/values-${var.cloud}.yaml")]
  atomic           = true
  wait             = true
  timeout          = 900
  create_namespace = false
  set = concat(
    [
      { name = "global.environment", value = var.environment },
      { name = "global.image.registry", value = var.image_registry },
      { name = "global.image.tag", value = var.image_tag },
      { name = "global.config.KAFKA_BROKERS", value = var.kafka_brokers },
      { name = "global.kafkaSecret", value = kubernetes_secret.kafka.metadata[0].name },
      { name = "global.config.S3_ENDPOINT", value = var.storage_endpoint },
      { name = "global.config.S3_BUCKET", value = var.storage_bucket },
      { name = "global.config.S3_REGION", value = var.storage_region },
    ],
    var.blue_green_active == "" ? [] : [
      { name = "global.blueGreen.enabled", value = "true" },
      { name = "global.blueGreen.active", value = var.blue_green_active },
    ],
  )
  depends_on = [kubernetes_secret.service, kubernetes_secret.edge_runtime, kubernetes_secret.migrations, kubernetes_secret.kafka]
}
