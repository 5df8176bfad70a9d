# State of production (S3 backend; see the backend block in ../../stack/main.tf).
bucket       = "eduspry-terraform-state"
key          = "production/terraform.tfstate"
region       = "eu-west-1"
use_lockfile = true
encrypt      = true
