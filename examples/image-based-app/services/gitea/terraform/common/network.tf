# Network: the user's subnet, a security group, a port with a fixed IP address,
# a floating IP and a DNS name in the platform's zone.

data "vkcs_networking_subnet" "subnet" {
  subnet_id = var.subnet
}

resource "vkcs_networking_secgroup" "gitea" {
  name        = "${local.name}-sg"
  description = "Gitea: SSH, HTTP and HTTPS"
  sdn         = data.vkcs_networking_subnet.subnet.sdn
}

resource "vkcs_networking_secgroup_rule" "ingress" {
  for_each          = toset(["22", "80", "443"])
  direction         = "ingress"
  protocol          = "tcp"
  port_range_min    = tonumber(each.value)
  port_range_max    = tonumber(each.value)
  remote_ip_prefix  = "0.0.0.0/0"
  security_group_id = vkcs_networking_secgroup.gitea.id
  description       = "gitea-tcp-${each.value}"
}

# A port keeps the VM's address stable when the service is reinstalled.
resource "vkcs_networking_port" "gitea" {
  name               = "${local.name}-port"
  admin_state_up     = true
  network_id         = data.vkcs_networking_subnet.subnet.network_id
  sdn                = data.vkcs_networking_subnet.subnet.sdn
  security_group_ids = [vkcs_networking_secgroup.gitea.id]
  fixed_ip {
    subnet_id = var.subnet
  }
}

# The external network is named after the subnet's SDN: ext-net (Neutron) or internet (Sprut).
resource "vkcs_networking_floatingip" "gitea" {
  pool = data.vkcs_networking_subnet.subnet.sdn == "neutron" ? "ext-net" : "internet"
}

resource "vkcs_networking_floatingip_associate" "gitea" {
  floating_ip = vkcs_networking_floatingip.gitea.address
  port_id     = vkcs_networking_port.gitea.id
}

resource "ivkcs_dns" "gitea" {
  name   = "gitea-${local.short_id}"
  domain = "xaas.msk.vkcs.cloud"
  ip     = vkcs_networking_floatingip.gitea.address
}
