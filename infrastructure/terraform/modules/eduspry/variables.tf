# Inputs: exactly the outputs every cloud module exposes, plus what to deploy.
variable "cloud" {
  type        = string
  description = "aws, azure, gcp or oci: picks infrastructure/helm/eduspry/values-<cloud>.yaml."
  validation {
    condition     = contains(["aws", "azure", "gcp", "oci"], var.cloud)
    error_message = "cloud must be aws, azure, gcp or oci."
  }
}

variable "environment" {
  type        = string
  description = "staging or production."
}

variable "namespace" {
  type        = string
  description = "Kubernetes namespace of the release."
  default     = "eduspry"
}

variable "kubeconfig" {
  type        = string
  description = "kubeconfig of the cluster (a cloud module's kubeconfig output)."
  sensitive   = true
}

variable "database_url" {
  type        = string
  description = "Administrator URL of the platform database (a cloud module's database_url output); used by the migrations hook only."
  sensitive   = true
}

variable "kafka_brokers" {
  type        = string
  description = "Comma-separated Kafka bootstrap servers."
}

variable "kafka_auth" {
  type = object({
    mechanism = string
    username  = string
    password  = string
    tls       = bool
  })
  description = "How clients authenticate to Kafka (a cloud module's kafka_auth output)."
  sensitive   = true
}

variable "storage_endpoint" {
  type        = string
  description = "S3-compatible endpoint of the object storage."
}

variable "storage_bucket" {
  type        = string
  description = "Bucket holding course content."
}

variable "storage_region" {
  type        = string
  description = "Region to sign S3 requests for."
}

variable "image_registry" {
  type        = string
  description = "Registry and path the images are pushed to by CI, e.g. ghcr.io/eduspry."
}

variable "image_tag" {
  type        = string
  description = "Image tag to deploy (CI tags images with the commit; never latest)."
  validation {
    condition     = var.image_tag != "latest" && var.image_tag != ""
    error_message = "image_tag must be a fixed tag, not latest."
  }
}

variable "services" {
  type        = list(string)
  description = "Workloads that connect to PostgreSQL as their own role; each gets a generated password and a Secret with its DATABASE_URL."
  # Every PLATFORM entry with `database: true` (scripts/deploy/check-terraform.ts keeps them equal).
  default = [
    "auth-service",
    "course-service",
    "content-service",
    "assessment-service",
    "logging-service",
    "notification-service",
    "realtime-service",
    "analytics-service",
  ]
}

variable "blue_green_active" {
  type        = string
  description = "Empty for rolling updates; blue or green to run both colours with traffic on this one."
  default     = ""
}
