# production. No secret belongs here: passwords are generated into the cloud's secret store.
environment       = "production"
cloud             = "aws"
region            = "eu-west-1"
node_size         = "m6i.xlarge"
node_count        = 2
database_size     = "db.r6g.large"
image_registry    = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/eduspry"
image_tag         = "0.1.0"
blue_green_active = "blue"
