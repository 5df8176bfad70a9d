# State of staging (S3 backend; see the backend block in ../../stack/main.tf).
bucket       = "eduspry-terraform-state"
key          = "staging/terraform.tfstate"
region       = "eu-west-1"
use_lockfile = true
encrypt      = true
