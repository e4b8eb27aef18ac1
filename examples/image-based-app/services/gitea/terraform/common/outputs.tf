# Sent to the user by email after the deployment. Sensitive values stay out of the Terraform logs.

output "url" {
  description = "Gitea web interface"
  value       = local.url
}

output "ssh_clone_host" {
  description = "Host for git clone over SSH"
  value       = local.domain
}

output "admin_login" {
  description = "Administrator login"
  value       = "gitea_admin"
}

output "admin_password" {
  description = "Administrator password; change it after the first login"
  value       = random_password.admin.result
  sensitive   = true
}

output "private_key" {
  description = "SSH key of the VM (user ubuntu)"
  value       = ivkcs_ssh_keypair.keypair.private_key
  sensitive   = true
}
