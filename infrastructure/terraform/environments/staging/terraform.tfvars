# staging. No secret belongs here: passwords are generated into the cloud's secret store.
environment       = "staging"
cloud             = "aws"
region            = "eu-west-1"
node_size         = "t3.large"
node_count        = 1
database_size     = "db.t4g.medium"
image_registry    = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/eduspry"
image_tag         = "0.1.0"
blue_green_active = ""
