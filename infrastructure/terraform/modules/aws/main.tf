# AWS: a VPC over three zones, EKS, RDS for PostgreSQL, MSK (SASL/SCRAM over TLS), S3, and
# Secrets Manager holding every generated credential. Nothing secret is written here: passwords
# are generated (random_password) or managed by AWS (RDS's managed master password).
terraform {
  required_version = ">= 1.9"
  required_providers {
    aws    = { source = "hashicorp/aws", version = "~> 6.0" }
    random = { source = "hashicorp/random", version = "~> 3.6" }
  }
}

data "aws_availability_zones" "available" {
  state = "available"
}

locals {
  zones             = slice(data.aws_availability_zones.available.names, 0, 3)
  production        = var.environment == "production"
  tags              = merge(var.tags, { "eduspry/environment" = var.environment })
  database_password = random_password.database.result
}

module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "~> 6.0"

  name               = var.name
  cidr               = var.network_cidr
  azs                = local.zones
  private_subnets    = [for i, _ in local.zones : cidrsubnet(var.network_cidr, 4, i)]
  public_subnets     = [for i, _ in local.zones : cidrsubnet(var.network_cidr, 4, i + 8)]
  enable_nat_gateway = true
  single_nat_gateway = !local.production
  tags               = local.tags
}

module "eks" {
  source  = "terraform-aws-modules/eks/aws"
  version = "~> 21.0"

  name                   = var.name
  kubernetes_version     = var.kubernetes_version
  vpc_id                 = module.vpc.vpc_id
  subnet_ids             = module.vpc.private_subnets
  endpoint_public_access = true
  enable_irsa            = true
  eks_managed_node_groups = {
    default = {
      instance_types = [var.node_size]
      min_size       = var.node_count * length(local.zones)
      desired_size   = var.node_count * length(local.zones)
      max_size       = var.node_count_max * length(local.zones)
    }
  }
  tags = local.tags
}

resource "aws_security_group" "data" {
  name        = "${var.name}-data"
  description = "PostgreSQL and Kafka, reachable from the cluster's network only"
  vpc_id      = module.vpc.vpc_id
  ingress {
    description = "PostgreSQL"
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = [var.network_cidr]
  }
  ingress {
    description = "Kafka SASL/SCRAM over TLS"
    from_port   = 9096
    to_port     = 9096
    protocol    = "tcp"
    cidr_blocks = [var.network_cidr]
  }
  tags = local.tags
}

resource "random_password" "database" {
  length  = 32
  special = false
}

resource "aws_db_subnet_group" "postgres" {
  name       = var.name
  subnet_ids = module.vpc.private_subnets
  tags       = local.tags
}

resource "aws_db_instance" "postgres" {
  identifier                   = var.name
  engine                       = "postgres"
  engine_version               = var.postgres_version
  instance_class               = var.database_size
  allocated_storage            = var.database_storage_gb
  storage_encrypted            = true
  db_name                      = "eduspry"
  username                     = "eduspry_admin"
  password                     = random_password.database.result
  db_subnet_group_name         = aws_db_subnet_group.postgres.name
  vpc_security_group_ids       = [aws_security_group.data.id]
  multi_az                     = local.production
  deletion_protection          = local.production
  backup_retention_period      = local.production ? 14 : 3
  skip_final_snapshot          = !local.production
  final_snapshot_identifier    = "${var.name}-final"
  performance_insights_enabled = true
  tags                         = local.tags
}

resource "aws_msk_cluster" "kafka" {
  cluster_name           = var.name
  kafka_version          = "3.8.x"
  number_of_broker_nodes = length(local.zones)
  broker_node_group_info {
    instance_type   = local.production ? "kafka.m7g.large" : "kafka.t3.small"
    client_subnets  = module.vpc.private_subnets
    security_groups = [aws_security_group.data.id]
  }
  client_authentication {
    sasl {
      scram = true
    }
  }
  encryption_info {
    encryption_in_transit {
      client_broker = "TLS"
    }
  }
  configuration_info {
    arn      = aws_msk_configuration.kafka.arn
    revision = aws_msk_configuration.kafka.latest_revision
  }
  tags = local.tags
}

resource "aws_msk_configuration" "kafka" {
  name              = var.name
  kafka_versions    = ["3.8.x"]
  server_properties = <<-PROPERTIES
    auto.create.topics.enable=true
    num.partitions=${var.kafka_partitions}
    default.replication.factor=3
    min.insync.replicas=2
  PROPERTIES
}

resource "random_password" "kafka" {
  length  = 32
  special = false
}

resource "aws_kms_key" "secrets" {
  description         = "${var.name} secrets"
  enable_key_rotation = true
  tags                = local.tags
}

# MSK reads SCRAM credentials from Secrets Manager secrets named AmazonMSK_*.
resource "aws_secretsmanager_secret" "kafka" {
  name       = "AmazonMSK_${var.name}"
  kms_key_id = aws_kms_key.secrets.arn
  tags       = local.tags
}

resource "aws_secretsmanager_secret_version" "kafka" {
  secret_id     = aws_secretsmanager_secret.kafka.id
  secret_string = jsonencode({ username = "eduspry", password = random_password.kafka.result })
}

resource "aws_msk_scram_secret_association" "kafka" {
  cluster_arn     = aws_msk_cluster.kafka.arn
  secret_arn_list = [aws_secretsmanager_secret.kafka.arn]
  depends_on      = [aws_secretsmanager_secret_version.kafka]
}

resource "aws_secretsmanager_secret" "database" {
  name       = "${var.name}/database"
  kms_key_id = aws_kms_key.secrets.arn
  tags       = local.tags
}

resource "aws_secretsmanager_secret_version" "database" {
  secret_id     = aws_secretsmanager_secret.database.id
  secret_string = jsonencode({ username = aws_db_instance.postgres.username, password = random_password.database.result })
}

resource "aws_s3_bucket" "content" {
  bucket        = var.storage_bucket
  force_destroy = !local.production
  tags          = local.tags
}

resource "aws_s3_bucket_public_access_block" "content" {
  bucket                  = aws_s3_bucket.content.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "content" {
  bucket = aws_s3_bucket.content.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "content" {
  bucket = aws_s3_bucket.content.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "aws:kms"
    }
  }
}
