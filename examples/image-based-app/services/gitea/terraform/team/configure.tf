# Configures Gitea on the data volume: domain, TLS certificate, administrator, the user
# limit of the plan and daily backups to an object storage bucket.

locals {
  max_users = 10 + var.users * 10
}

# The bucket exists whether or not backups are on: resources are never removed on update.
resource "ivkcs_s3" "backup" {
  name = "gitea-backup-${var.instance_uuid}"
}

resource "ivkcs_agent_exec" "configure" {
  uuid  = var.instance_uuid
  name  = "configure_gitea"
  hosts = [local.name]
  step {
    index   = 1
    type    = "bash"
    content = <<-EOT
      #!/bin/bash
      set -euo pipefail
      /opt/gitea/setup.sh \
        --data-device /dev/vdb \
        --domain '${local.domain}' \
        --acme-email '${var.email}' \
        --admin-email '${var.email}' \
        --admin-password '${random_password.admin.result}' \
        --max-users ${local.max_users} \
        --backup ${var.backup ? "daily" : "off"} \
        --backup-bucket '${ivkcs_s3.backup.name}' \
        --backup-access-key '${ivkcs_s3.backup.access}' \
        --backup-secret-key '${ivkcs_s3.backup.secret}'
    EOT
    options {
      timeout  = "20m"
      attempts = 1
    }
  }
  depends_on = [vkcs_compute_instance.gitea, vkcs_compute_volume_attach.data, vkcs_networking_floatingip_associate.gitea]
}
