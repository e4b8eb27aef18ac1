# Compute: the system volume from the Gitea image, a separate volume for repositories
# (kept when the service is reinstalled), and the VM with the Marketplace agent.

locals {
  short_id = substr(var.instance_uuid, 0, 8)
  name     = "gitea-${local.short_id}"
  domain   = "${ivkcs_dns.gitea.name}.${ivkcs_dns.gitea.domain}"
  url      = "https://${local.domain}"
}

resource "vkcs_blockstorage_volume" "system" {
  name              = "${local.name}-system"
  metadata          = { "sid" : "xaas", "product" : "gitea" }
  image_id          = var.image_uuid
  volume_type       = var.system_type
  size              = var.system_size
  availability_zone = var.az
}

resource "vkcs_blockstorage_volume" "data" {
  name              = "${local.name}-data"
  metadata          = { "sid" : "xaas", "product" : "gitea" }
  volume_type       = var.data_type
  size              = var.data_size
  availability_zone = var.az
}

resource "ivkcs_ssh_keypair" "keypair" {}

# cloud-config that installs the agent; hosts[i] is the VM named hosts[i].
resource "ivkcs_user_data" "init" {
  uuid                = var.instance_uuid
  hosts               = [local.name]
  target_os           = "ubuntu2204"
  ssh_authorized_keys = [ivkcs_ssh_keypair.keypair.public_key]
}

resource "vkcs_compute_instance" "gitea" {
  name              = local.name
  flavor_id         = var.flavor
  availability_zone = var.az
  metadata          = { "sid" : "xaas", "product" : "gitea" }
  block_device {
    uuid                  = vkcs_blockstorage_volume.system.id
    source_type           = "volume"
    destination_type      = "volume"
    boot_index            = 0
    delete_on_termination = true
  }
  network {
    port = vkcs_networking_port.gitea.id
  }
  user_data           = ivkcs_user_data.init.user_data[0]
  stop_before_destroy = true
  timeouts {
    create = "10m"
  }
}

resource "vkcs_compute_volume_attach" "data" {
  instance_id = vkcs_compute_instance.gitea.id
  volume_id   = vkcs_blockstorage_volume.data.id
}
