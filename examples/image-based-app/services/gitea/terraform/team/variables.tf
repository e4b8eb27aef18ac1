# Special variables: the deployment system fills them in.
variable "instance_uuid" {
  type = string
}

variable "email" {
  type = string
}

# Options of the plan (parameters/<name>.yaml): the values chosen in the wizard.
variable "flavor" {
  type = string
}

variable "az" {
  type = string
}

variable "subnet" {
  type = string
}

variable "system_type" {
  type = string
}

variable "system_size" {
  type = number
}

variable "data_type" {
  type = string
}

variable "data_size" {
  type = number
}

# Step count k of the paid option: the service allows 10 + 10·k users (base + k·unit.size;
# whether Terraform receives k or the value is not documented, SPEC H-32).
variable "users" {
  type = number
}

variable "backup" {
  type = bool
}

# The Gitea image. After Marketplace publishes the image, put its public ID here and bump
# the service revision (SPEC REV-011).
variable "image_uuid" {
  type    = string
  default = "1f412059-b1a1-4f2b-b14f-6bb035a67ff2"
}
