# The interface every cloud module shares: modules/{aws,azure,gcp,oci}/variables.tf are links to
# this one file, so an environment switches clouds without touching anything downstream.
variable "name" {
  type        = string
  description = "Prefix of every resource's name, e.g. eduspry-production."
}

variable "environment" {
  type        = string
  description = "staging or production; production turns on deletion protection and high availability."
  validation {
    condition     = contains(["staging", "production"], var.environment)
    error_message = "environment must be staging or production."
  }
}

variable "region" {
  type        = string
  description = "The cloud region, e.g. eu-west-1, westeurope, europe-west1, eu-frankfurt-1."
}

variable "cloud_scope" {
  type        = string
  description = "Where resources go beyond the region: the GCP project id, the OCI compartment OCID, the Azure resource group to create; unused on AWS (the provider's account)."
  default     = ""
}

variable "network_cidr" {
  type        = string
  description = "Address range of the platform's network; the chart's NetworkPolicy egress allows it."
  default     = "10.20.0.0/16"
}

variable "kubernetes_version" {
  type        = string
  description = "Kubernetes minor version of the managed cluster."
  default     = "1.33"
}

variable "node_count" {
  type        = number
  description = "Worker nodes per zone at the start; the autoscaler may add more up to node_count_max."
  default     = 1
}

variable "node_count_max" {
  type        = number
  description = "Upper bound of worker nodes per zone."
  default     = 4
}

variable "node_size" {
  type        = string
  description = "The cloud's machine type of a worker node (m6i.large, Standard_D4s_v5, e2-standard-4, VM.Standard.E5.Flex)."
}

variable "database_size" {
  type        = string
  description = "The cloud's PostgreSQL instance class or tier (db.t4g.medium, GP_Standard_D2s_v3, db-custom-2-7680, PostgreSQL.VM.Standard.E5.Flex.2.32GB)."
}

variable "database_storage_gb" {
  type        = number
  description = "PostgreSQL storage in GB."
  default     = 50
}

variable "postgres_version" {
  type        = string
  description = "PostgreSQL major version (15 or later; the migrations run on 15 to 18)."
  default     = "16"
}

variable "kafka_partitions" {
  type        = number
  description = "Partitions of each topic the platform creates (logs and the per-domain event topics)."
  default     = 6
}

variable "storage_bucket" {
  type        = string
  description = "Name of the object storage bucket for course content."
}

variable "tags" {
  type        = map(string)
  description = "Labels put on every resource that takes them."
  default     = {}
}
