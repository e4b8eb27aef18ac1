# Configures Gitea on the data volume: domain, TLS certificate, administrator, Git LFS.
# The service reports the LFS volume as the postpaid option lfs_storage (usage pushes
# with param "lfs_storage").

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
        --lfs on \
        --usage-param lfs_storage
    EOT
    options {
      timeout  = "20m"
      attempts = 1
    }
  }
  depends_on = [vkcs_compute_instance.gitea, vkcs_compute_volume_attach.data, vkcs_networking_floatingip_associate.gitea]
}
