variable "environment" {
  type        = string
  description = "staging or production (names every resource; production adds high availability and deletion protection)."
}

variable "cloud" {
  type        = string
  description = "aws, azure, gcp or oci."
}

variable "region" {
  type        = string
  description = "The cloud region."
}

variable "cloud_scope" {
  type        = string
  description = "GCP project id, OCI compartment OCID or Azure resource group; empty on AWS."
  default     = ""
}

variable "node_size" {
  type        = string
  description = "Machine type of a worker node in the chosen cloud."
}

variable "node_count" {
  type        = number
  description = "Worker nodes per zone at the start."
  default     = 1
}

variable "database_size" {
  type        = string
  description = "PostgreSQL instance class or tier in the chosen cloud."
}

variable "image_registry" {
  type        = string
  description = "Where CI pushed the images."
}

variable "image_tag" {
  type        = string
  description = "The image tag to deploy (CI passes the commit)."
}

variable "blue_green_active" {
  type        = string
  description = "Empty for rolling updates; blue or green for a blue-green release."
  default     = ""
}

variable "tags" {
  type        = map(string)
  description = "Labels on every resource."
  default     = { "eduspry/managed-by" = "terraform" }
}
