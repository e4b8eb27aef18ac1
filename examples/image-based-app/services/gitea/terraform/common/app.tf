# The administrator's password and the health check of the web interface.

resource "random_password" "admin" {
  length  = 24
  special = false
}

resource "ivkcs_agent_check" "health" {
  uuid  = var.instance_uuid
  hosts = [local.name]
  http_health {
    method     = "GET"
    protocol   = "https"
    host       = local.domain
    path       = "/api/healthz"
    http_codes = [200]
    period     = "1m"
  }
  depends_on = [ivkcs_agent_exec.configure]
}
